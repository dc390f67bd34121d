"""Reports: exports (xlsx, JSON), SVG four-colour maps, notification cards, dossiers and QR codes."""
