from segops_platform.settings import ServiceSettings


class PimSettings(ServiceSettings):
    pim_api_port: int = 8001
