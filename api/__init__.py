"""The data-exchange API (`python -m api`): other systems read and send data through the same semantic layer,
connectors and access policy as the app and the CLI."""
