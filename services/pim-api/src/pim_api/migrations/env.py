from pim_api import models  # noqa: F401  (registers every table on the metadata)
from pim_api.db import Base
from segops_platform.migrations import run_env

run_env(Base.metadata)
