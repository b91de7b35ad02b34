from segops_platform.settings import ServiceSettings


class PimSettings(ServiceSettings):
    pim_api_port: int = 8001
    # CSV files larger than this are refused (413); the gateway lets through up to 1 GiB + 1 MiB
    # (deploy/nginx/shared-server.conf), so a larger limit needs the gateway's raised too.
    import_max_bytes: int = 1 << 30
