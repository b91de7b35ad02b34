from segment_api.migrations import upgrade
from segment_api.settings import SegmentSettings

if __name__ == "__main__":
    upgrade(SegmentSettings())
