"""Turn transcript exports and free notes into `copilot.models.Transcript`."""
