# Bahasa Indonesia: "17 Agustus 2026".
DATE_FORMAT = "j F Y"
