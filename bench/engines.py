"""The same warehouse on other engines, for the scale-out checks: its tables read out of the DuckDB file as Arrow,
written into PostgreSQL through the warehouse's write path, or registered in a local Spark session from Parquet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.db import Warehouse

#: what the indicator path reads (the rest of the schema stays empty)
TABLES = ("area", "area_lineage", "area_map", "agency", "agency_lineage", "indicator", "observation", "meta")


def arrow_tables(wh: Warehouse) -> dict[str, pa.Table]:
    with wh.lock:
        raw = wh.con.con
        return {name: raw.execute(f'SELECT * FROM "{name}"').to_arrow_table() for name in TABLES}


def to_postgres(url: str, tables: dict[str, pa.Table]) -> Warehouse:
    wh = Warehouse(url)
    wh.ensure_schema()
    with wh.transaction():
        for name, data in tables.items():
            wh.insert(name, data)
    return wh


def spark_session(folder: Path) -> Any:  # noqa: ANN401 - pyspark is imported only here
    """A local Spark (2 threads, no UI): what `pyspark://` gives, with its warehouse folder under `folder`."""
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("dieuhanh")
        .config("spark.sql.warehouse.dir", str(folder / "spark-warehouse"))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def to_spark(session: Any, tables: dict[str, pa.Table], folder: Path) -> Any:  # noqa: ANN401
    """Each table as a view over a Parquet file (Ibis' own `create_table` goes through pandas, where a NULL
    string becomes the text 'NaN'); returns the Ibis backend on the session."""
    import ibis

    folder.mkdir(parents=True, exist_ok=True)
    for name, data in tables.items():
        path = folder / f"{name}.parquet"
        pq.write_table(data, path)
        session.read.parquet(str(path)).createOrReplaceTempView(name)
    return ibis.pyspark.connect(session)
