"""Read and check a workout script: located YAML nodes, values, the field table, the model."""
