"""What every SegOps service shares: settings, auth and tenancy, errors, logging, metrics, health."""
