"""Configuration (配置): the standards file, the county's county.yaml, unit costs and scenarios."""
