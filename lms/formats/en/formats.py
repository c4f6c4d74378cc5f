# English: "17 August 2026" (day first, as the Indonesian reads).
DATE_FORMAT = "j F Y"
