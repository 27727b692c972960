"""Custom images: registered in Glance, then their data streamed through to it."""
