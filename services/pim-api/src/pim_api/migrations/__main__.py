from pim_api.migrations import upgrade
from pim_api.settings import PimSettings

if __name__ == "__main__":
    upgrade(PimSettings().database_url)
