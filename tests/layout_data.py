"""One realistic customer register and one Mozello orders export, small, with planted findings:
the plain tables the generated layouts of ``test_layouts_generated`` are compared against.

Synthetic records (names and codes invented; the personal codes are valid only by checksum).
"""

from __future__ import annotations

REGISTER_HEADINGS = [
    "Nr.p.k.",
    "Klienta ID",
    "Vārds, uzvārds",
    "E-pasts",
    "Tālrunis",
    "Piekrišana",
    "Jaunumu saņemšana",
    "Atteikuma datums",
    "Attiecību sākums",
    "Attiecību beigas",
    "Personas kods",
    "Piezīmes",
]
# the group row of a hand-kept register: (group heading, first column, last column)
REGISTER_GROUPS = [
    ("Klients", 1, 2),
    ("Kontaktinformācija", 3, 4),
    ("Atļaujas", 5, 7),
    ("Sadarbība", 8, 9),
]
REGISTER_ROWS = [
    ["1", "K-0101", "Jānis Bērziņš", "janis.berzins@example.lv", "+371 29123456", "Jā", "Jā",
     "", "05.01.2020", "", "", "Pastāvīgs klients"],
    ["2", "K-0102", "Līga Ozoliņa", "liga.ozolina@example.lv", "+371 26543210", "Nē", "Nē",
     "", "14.03.2021", "", "", ""],
    ["3", "K-0103", "Pēteris Kalniņš", "peteris.kalnins@example.lv", "+371 27001234", "Jā",
     "Jā", "01.03.2025", "07.03.2022", "", "", "Atteicās no jaunumiem pa tālruni"],
    ["4", "K-0104", "Anna Liepiņa", "anna.liepina@example.lv", "+371 22334455", "Jā", "Nē",
     "", "11.06.2023", "", "", "Zvanīja, p.k. 200170-19700, lūdza rēķinu"],
    ["5", "K-0105", "Mārtiņš Ozols", "martins.ozols@example.lv", "+371 25566778", "Jā", "Nē",
     "", "02.09.2019", "", "150754-14040", ""],
    ["6", "K-0106", "Ilze Kļaviņa", "ilze.klavina(at)example.lv", "+371 28899001", "Jā", "Nē",
     "", "21.02.2024", "", "", ""],
    ["7", "K-0107", "Edgars Vītols", "edgars.vitols@example.lv", "+371 26677889", "Jā", "Nē",
     "", "03.04.2015", "30.06.2017", "", "Līgums beidzies"],
    ["8", "K-0108", "Dace Krūmiņa", "dace.krumina@example.lv", "+371 29988776", "Jā", "Jā",
     "", "19.10.2024", "", "", ""],
]  # fmt: skip

ORDER_HEADINGS = [
    "Pasūtījuma nr.",
    "Datums",
    "Klienta ID",
    "Vārds, uzvārds",
    "E-pasts",
    "Tālrunis",
    "Adrese",
    "Piezīmes",
    "Summa",
    "Apmaksas statuss",
]
ORDER_GROUPS = [("Pircējs", 2, 5), ("Sūtījums", 6, 7)]
ORDER_ROWS = [
    ["M-2475405-25", "05.01.2025 13:45", "K-0101", "Jānis Bērziņš", "janis.berzins@example.lv",
     "+371 29123456", "Brīvības iela 12-3, Rīga", "Lūdzu zvanīt pirms piegādes", "12,50", "paid"],
    ["M-2475406-25", "06.01.2025 09:05", "K-0104", "Anna Liepiņa", "anna.liepina@example.lv",
     "+371 22334455", "Čiekurkalna 1. līnija 5, Rīga", "", "1 234,00", "paid"],
    ["M-2475407-25", "12.02.2025 18:20", "K-0108", "Dace Krūmiņa", "dace.krumina@example.lv",
     "+371 29988776", "Rīgas iela 4, Cēsis", "Karte 4053050400481266, atmaksāt", "45,90", "paid"],
    ["M-2475408-25", "03.03.2025 10:00", "", "Roberts Zariņš", "roberts.zarins@example.lv",
     "+371 2001", "Skolas iela 8, Ogre", "", "7,00", "pending"],
    ["M-2475409-25", "17.04.2025 15:30", "K-0103", "Pēteris Kalniņš", "peteris.kalnins@example.lv",
     "+371 27001234", "Lāčplēša iela 3, Rīga", "", "23,10", "paid"],
    ["M-2475410-25", "22.05.2025 08:12", "K-0106", "Ilze Kļaviņa", "ilze.klavina@example.lv",
     "+371 28899001", "Jūras iela 9, Liepāja", "", "15,00", "paid"],
]  # fmt: skip
# columns holding amounts: what a totals row sums (by heading)
SUMMED = {"Summa"}
