"""What every part of the server shares: settings, the served store and version, the error
handlers, the messages, content negotiation and rate limits."""
