"""Ingestion (数据读入): the raw-workbook contract, the tolerant reader, cleaning and the data check."""
