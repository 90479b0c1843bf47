"""The indicator engine (指标计算引擎): assessment units, resource indicators, CVs, verdict."""
