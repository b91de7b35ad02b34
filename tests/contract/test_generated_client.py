"""A Python client generated from the PIM document (openapi-python-client), as an SDK user gets it:
its names are readable, its types check, and it reads query filters, answers and typed errors."""

import json
import subprocess
import sys
from pathlib import Path

import httpx

from pim_api.tenancy.service import IssuedKey
from tests.contract.conftest import RunningStack

BIN = Path(sys.executable).parent
WALKTHROUGH = Path(__file__).with_name("sdk_walkthrough.py")
PACKAGE = "segops_pim_client"


def run(argv: list[str], cwd: Path, **env: str) -> str:
    result = subprocess.run(
        argv, cwd=cwd, capture_output=True, text=True, env={"PATH": f"{BIN}:/usr/bin:/bin", **env}
    )
    assert result.returncode == 0, result.stdout[-10_000:] + result.stderr[-10_000:]
    return result.stdout


def test_a_generated_client_walks_the_pim_api_typed(
    running_stack: RunningStack, stack_tenant: IssuedKey, tmp_path: Path
) -> None:
    document = tmp_path / "pim.json"
    document.write_text(json.dumps(httpx.get(f"{running_stack.gateway}/api/pim/openapi.json").json()))
    config = tmp_path / "generator.json"
    config.write_text(json.dumps({"project_name_override": PACKAGE, "package_name_override": PACKAGE}))
    generate = [
        str(BIN / "openapi-python-client"),
        "generate",
        "--path",
        str(document),
        "--config",
        str(config),
    ]
    output = run([*generate, "--meta", "none", "--output-path", PACKAGE, "--fail-on-warning"], tmp_path)
    assert "Warning" not in output, output

    # The generated code is checked only as this script uses it (the generator has typing slips of its own).
    mypy = [
        str(BIN / "mypy"),
        "--strict",
        "--follow-imports=silent",
        "--cache-dir",
        "/dev/null",
        str(WALKTHROUGH),
    ]
    run(mypy, tmp_path, MYPYPATH=str(tmp_path))
    walked = run(
        [sys.executable, str(WALKTHROUGH), running_stack.gateway, stack_tenant.key],
        tmp_path,
        PYTHONPATH=str(tmp_path),
    )
    assert walked.strip() == "walked"
