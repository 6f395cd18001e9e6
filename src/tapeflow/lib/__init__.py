"""Low-level library code shared across tapeflow (file formats); see io/README.md."""
