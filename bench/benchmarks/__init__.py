"""One module per benchmark, each with `run(context) -> list[Result]`."""
