"""The music bed in the renderer: ducking depth, looping, playlist order with
crossfades, fades, stereo format, determinism and a track failing mid-session. Real
ffmpeg decodes sine tones made for each test; speech is the fast fake."""

from __future__ import annotations

import gc
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tests.fakes import FakeSpeech
from tests.music_support import alive, decoders, frames, music, tone, tone_level_db
from tests.render_support import beep, say, timeline_of
from voiceguide.errors import MusicError
from voiceguide.play.view import SessionView
from voiceguide.render.ducking import BRIDGE_MS, LEAD_MS
from voiceguide.render.heads import HEAD_MS, HeadCache
from voiceguide.render.mixer import Renderer
from voiceguide.render.music import shuffle_seed
from voiceguide.render.samples import ms_to_samples
from voiceguide.render.tracks import music_files
from voiceguide.script.model import BeepSettings
from voiceguide.timeline.events import Section

HZ = 1000.0


def render_left(renderer: Renderer) -> np.ndarray:
    return frames(renderer.render(), renderer.channels)[:, 0]


def test_the_bed_dips_at_least_10_db_inside_speech(tmp_path: Path) -> None:
    bed = music(tone(tmp_path / "tone.wav", HZ, 60), volume_db=0.0)  # well above the noise
    lines = [say(6_000, "a line of about two seconds"), say(14_000, "another line here")]
    timeline = timeline_of(lines, 24_000)
    renderer = Renderer(timeline, FakeSpeech(), music=bed)
    left = render_left(renderer)
    rate = renderer.sample_rate
    between = tone_level_db(left, rate, HZ, 10_500, 12_500)
    for line in lines:
        inside = tone_level_db(left, rate, HZ, line.at_ms, line.end_ms)
        assert between - inside >= 10, (between, inside)
        assert between - inside == pytest.approx(12, abs=1)
    # look-ahead: down already at the line's start, starting no earlier than LEAD_MS before
    at_start = tone_level_db(left, rate, HZ, lines[0].at_ms, lines[0].at_ms + 50)
    assert between - at_start >= 10
    before = tone_level_db(left, rate, HZ, lines[0].at_ms - LEAD_MS - 400,
                           lines[0].at_ms - LEAD_MS)
    assert between - before < 1


def test_counts_closer_than_the_bridge_keep_the_bed_down(tmp_path: Path) -> None:
    bed = music(tone(tmp_path / "tone.wav", HZ, 60))
    gap = BRIDGE_MS - 500
    counts = [say(5_000 + i * (300 + gap), "one") for i in range(5)]
    timeline = timeline_of(counts, 20_000)
    renderer = Renderer(timeline, FakeSpeech(), music=bed)
    left = render_left(renderer)
    rate = renderer.sample_rate
    free = tone_level_db(left, rate, HZ, 3_300, 4_500)
    for first, second in zip(counts, counts[1:], strict=False):
        gap_level = tone_level_db(left, rate, HZ, first.end_ms, second.at_ms)
        assert free - gap_level >= 10


def test_beeps_stay_clearly_above_the_bed(tmp_path: Path) -> None:
    """Music at its default level: even the quiet tick peaks 10 dB above the music
    heard with it (the same session with silent beeps)."""
    bed = tone(tmp_path / "tone.wav", HZ, 60, peak=0.99)
    events = [beep(6_000, "go"), beep(9_000, "tick")]
    heard = render_left(Renderer(timeline_of(events, 12_000), FakeSpeech(), music=music(bed)))
    silent = timeline_of(events, 12_000, beeps=BeepSettings(volume=0.0))
    under = render_left(Renderer(silent, FakeSpeech(), music=music(bed)))
    rate = 44100
    for at_ms, length in ((6_000, 250), (9_000, 60)):
        span = slice(ms_to_samples(at_ms, rate), ms_to_samples(at_ms + length, rate))
        assert 20 * np.log10(np.abs(heard[span]).max() / np.abs(under[span]).max()) >= 10


def test_the_bed_loops_past_the_end_of_a_short_track(tmp_path: Path) -> None:
    bed = music(tone(tmp_path / "short.flac", 441, 2))
    timeline = timeline_of([], 20_000)
    renderer = Renderer(timeline, FakeSpeech(), music=bed)
    assert len(renderer.bed.placements) >= 15
    left = render_left(renderer)
    steady = tone_level_db(left, 44100, 441, 4_000, 5_000)
    for second in range(5, 15):
        assert abs(tone_level_db(left, 44100, 441, second * 1000, second * 1000 + 500)
                   - steady) < 4


def test_a_playlist_plays_in_its_order_with_crossfades(tmp_path: Path) -> None:
    for name, hz in (("a.wav", 440), ("b.wav", 660), ("c.wav", 880)):
        tone(tmp_path / "tracks" / name, hz, 10)
    playlist = tmp_path / "mix.m3u"
    playlist.write_text("#EXTM3U\n# a comment\ntracks/c.wav\ntracks/a.wav\n\ntracks/b.wav\n")
    renderer = Renderer(timeline_of([], 30_000), FakeSpeech(), music=music(playlist))
    left = render_left(renderer)

    def heard(hz: float, start_s: float) -> float:
        return tone_level_db(left, 44100, hz, int(start_s * 1000), int(start_s * 1000) + 1000)

    # c 0-10 s, a from 7 s to 17 s, b from 14 s to 24 s, c again from 21 s
    for start_s, playing in ((4, 880), (11.5, 440), (18.5, 660), (25, 880)):
        others = [hz for hz in (440, 660, 880) if hz != playing]
        assert all(heard(playing, start_s) - heard(hz, start_s) > 30 for hz in others)
    for start_s, old, new in ((8, 880, 440), (15, 440, 660), (22, 660, 880)):
        assert heard(old, start_s) > heard(old, 12 if old != 440 else 19) + 20
        assert abs(heard(old, start_s) - heard(new, start_s)) < 6  # both heard, mid-fade
    assert [renderer.track_at(ms).path.name for ms in (4_000, 11_500, 18_500, 25_000)] == [
        "c.wav", "a.wav", "b.wav", "c.wav"]


def test_the_bed_fades_in_and_out_under_the_closing_words(tmp_path: Path) -> None:
    bed = music(tone(tmp_path / "tone.wav", HZ, 60))
    closing = say(16_000, "well done, that is all")
    renderer = Renderer(timeline_of([closing], 20_000), FakeSpeech(), music=bed)
    left = render_left(renderer)
    rate = renderer.sample_rate
    assert np.abs(left[: rate // 100]).max() < 1e-3
    steady = tone_level_db(left, rate, HZ, 8_000, 9_000)
    assert tone_level_db(left, rate, HZ, 500, 1_000) < steady - 6
    assert tone_level_db(left, rate, HZ, 19_000, 19_900) < steady - 12
    assert np.abs(left[-rate // 100:]).max() < 1e-3


@pytest.mark.parametrize("rate", [44100, 48000])
def test_with_music_the_stream_is_stereo_at_the_music_rate(tmp_path: Path, rate: int) -> None:
    bed = music(tone(tmp_path / "tone.flac", HZ, 5, rate=rate, channels=2))
    timeline = timeline_of([say(1_000, "hello")], 4_000)
    renderer = Renderer(timeline, FakeSpeech(), music=bed)
    assert (renderer.sample_rate, renderer.channels) == (rate, 2)
    stereo = frames(renderer.render(), 2)
    assert stereo.shape == (ms_to_samples(4_000, rate), 2)
    assert np.array_equal(stereo[:, 0], stereo[:, 1])  # a centred voice on a centred tone
    plain = Renderer(timeline, FakeSpeech())
    assert (plain.sample_rate, plain.channels) == (22050, 1)


def test_the_same_session_and_music_give_the_same_samples(tmp_path: Path) -> None:
    for name, hz in (("1.mp3", 440), ("2.ogg", 550)):
        tone(tmp_path / "folder" / name, hz, 4)
    timeline = timeline_of([say(2_000, "one"), say(7_000, "two"), beep(9_000, "go")], 12_000)
    whole = Renderer(timeline, FakeSpeech(), music=music(tmp_path / "folder")).render()
    again = Renderer(timeline, FakeSpeech(), music=music(tmp_path / "folder"))
    chunked = np.concatenate(list(again.chunks(chunk_ms=700)))
    assert np.array_equal(whole, chunked)
    for start_ms in (6_000, 2_500):  # seeks back, as play does after "back"
        span = again.render(start_ms, 10_000)
        first = ms_to_samples(start_ms, 44100) * 2
        assert np.array_equal(span, whole[first: first + len(span)])


def test_a_track_failing_mid_session_is_skipped_with_a_warning(tmp_path: Path) -> None:
    for name, hz in (("a.wav", 440), ("b.wav", 660), ("c.wav", 880)):
        tone(tmp_path / "tracks" / name, hz, 6)
    warnings: list[str] = []
    bed = music(tmp_path / "tracks", warnings=warnings)
    renderer = Renderer(timeline_of([], 20_000), FakeSpeech(), music=bed)
    (tmp_path / "tracks" / "b.wav").unlink()  # gone after the session started
    left = render_left(renderer)
    assert len(warnings) == 1 and "b.wav" in warnings[0], warnings
    assert tone_level_db(left, 44100, 880, 6_000, 7_000) > tone_level_db(
        left, 44100, 660, 6_000, 7_000) + 30
    assert tone_level_db(left, 44100, 440, 14_000, 15_000) > -40  # a again after c


def test_a_bed_dropped_without_close_ends_its_decoders(tmp_path: Path) -> None:
    for name, hz in (("a.wav", 440), ("b.wav", 660)):
        tone(tmp_path / "tracks" / name, hz, 6)
    renderer = Renderer(timeline_of([], 20_000), FakeSpeech(), music=music(tmp_path / "tracks"))
    renderer.render(2_000, 4_000)
    running = decoders(tmp_path / "tracks")
    assert running
    del renderer
    gc.collect()
    assert alive(running) == []


def test_the_live_display_shows_the_track_playing(tmp_path: Path) -> None:
    tone(tmp_path / "tracks" / "a.wav", 440, 10)
    tone(tmp_path / "tracks" / "b.wav", 660, 10)
    timeline = replace(timeline_of([], 30_000),
                       sections=(Section(0, 30_000, 0, "Plank", "set", set=1, work=True),))
    renderer = Renderer(timeline, FakeSpeech(), music=music(tmp_path / "tracks"))
    view = SessionView(timeline, music=renderer.track_name)
    assert [view.status(ms).music for ms in (1_000, 12_000, 19_000)] == ["a.wav", "b.wav",
                                                                         "a.wav"]
    assert SessionView(timeline).status(1_000).music == ""


def test_the_beds_first_seconds_come_from_the_head_cache(tmp_path: Path) -> None:
    for name, hz in (("1.mp3", 440), ("2.ogg", 550)):
        tone(tmp_path / "folder" / name, hz, 4)
    timeline = timeline_of([say(500, "one"), say(5_000, "two")], 9_000)
    heads = HeadCache(tmp_path / "heads")
    first = replace(music(tmp_path / "folder"), heads=heads)
    exported = Renderer(timeline, FakeSpeech(), music=first).render()
    assert len(list((tmp_path / "heads").glob("*.f32"))) == 1
    warnings: list[str] = []
    no_decoder = replace(music(tmp_path / "folder", warnings=warnings),
                         ffmpeg=str(tmp_path / "no-ffmpeg"), heads=heads)
    start = Renderer(timeline, FakeSpeech(), music=no_decoder).render(0, HEAD_MS)
    assert warnings == []  # no decoder was started
    assert np.array_equal(start, exported[: len(start)])
    again = Renderer(timeline, FakeSpeech(), music=replace(first, heads=heads))
    assert np.array_equal(np.concatenate([again.render(0, HEAD_MS),
                                          again.render(HEAD_MS)]), exported)


def test_tracks_are_brought_to_one_level_by_their_loudness(tmp_path: Path) -> None:
    tone(tmp_path / "tracks" / "1 quiet.wav", 440, 10, peak=0.1)
    tone(tmp_path / "tracks" / "2 loud.wav", 660, 10, peak=0.9)
    renderer = Renderer(timeline_of([], 20_000), FakeSpeech(), music=music(tmp_path / "tracks"))
    left = render_left(renderer)
    quiet = tone_level_db(left, 44100, 440, 4_000, 5_000)
    loud = tone_level_db(left, 44100, 660, 11_000, 12_000)
    assert abs(quiet - loud) < 0.5  # 19 dB apart in the files


def test_a_folder_plays_in_name_order_or_shuffled_the_same_way_each_time(
        tmp_path: Path) -> None:
    names = [f"{c}.mp3" for c in "BaDcFeHg"] + ["cover.jpg", "notes.txt"]
    for name in names:
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "sub.mp3").mkdir()  # a folder is not a track
    in_order = [p.name for p in music_files(tmp_path)]
    assert in_order == ["a.mp3", "B.mp3", "c.mp3", "D.mp3", "e.mp3", "F.mp3", "g.mp3",
                        "H.mp3"]
    shuffled = [p.name for p in music_files(tmp_path, shuffle_seed=7)]
    assert sorted(shuffled) == sorted(in_order) and shuffled != in_order
    assert [p.name for p in music_files(tmp_path, shuffle_seed=7)] == shuffled
    timeline = timeline_of([], 1_000)
    assert shuffle_seed(timeline) == shuffle_seed(timeline_of([], 2_000))
    assert shuffle_seed(timeline) != shuffle_seed(replace(timeline, week=2))


def test_playlists_relative_to_their_folder_in_utf8_or_latin1(tmp_path: Path) -> None:
    (tmp_path / "music").mkdir()
    for name in ("Café.mp3", "b.mp3"):
        (tmp_path / "music" / name).write_bytes(b"")
    (tmp_path / "list.m3u8").write_text("#EXTM3U\n#EXTINF:1,x\nmusic/Café.mp3\nmusic/b.mp3\n",
                                        encoding="utf-8")
    (tmp_path / "old.m3u").write_bytes("music/b.mp3\r\nmusic/Café.mp3\r\n".encode("latin-1"))
    assert [p.name for p in music_files(tmp_path / "list.m3u8")] == ["Café.mp3", "b.mp3"]
    assert [p.name for p in music_files(tmp_path / "old.m3u")] == ["b.mp3", "Café.mp3"]
    (tmp_path / "web.m3u").write_text("https://radio.example/stream\n")
    with pytest.raises(MusicError, match=r"web\.m3u:1: .* is a stream, not a file"):
        music_files(tmp_path / "web.m3u")
