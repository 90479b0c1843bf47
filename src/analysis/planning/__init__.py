"""Planning (规划): projections to the target year, the minimum-cost plan and the rectification tasks."""
