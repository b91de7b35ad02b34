from segment_api.db import Base
from segops_platform.migrations import run_env

run_env(Base.metadata)
