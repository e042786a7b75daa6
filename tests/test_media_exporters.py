"""The ten media exports: exact columns, money kept to the penny, the extract's rates, determinism."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.config import load_world
from sim.exporters import MEDIA_TABLES, export_media
from sim.exporters.digital import digital_tables_columns if False else COLUMNS as DIGITAL_COLUMNS  # noqa: F401
