"""Pools of Latvian names, places, products and customer notes for the synthetic sample.

Surnames carry their masculine and feminine forms (Bērziņš / Bērziņa, Jansons / Jansone); e-mail
addresses are the names folded to ASCII.  The free-text notes here are clean: the planted
violations and look-alikes are built in :mod:`zimes_audit.sample.plants`.

>>> full_name("m", 0, 0)
'Jānis Bērziņš'
>>> full_name("f", 1, 0)
'Līga Bērziņa'
>>> ascii_fold("Ērika Šmite")
'Erika Smite'
"""

from __future__ import annotations

import unicodedata

MALE = (
    "Jānis", "Kārlis", "Ģirts", "Andris", "Pēteris", "Mārtiņš", "Edgars", "Artūrs", "Roberts",
    "Uldis", "Aivars", "Raimonds", "Valdis", "Gatis", "Krišjānis", "Oskars", "Dāvis", "Rihards",
    "Ēriks", "Toms", "Kristaps", "Jēkabs", "Aigars", "Imants", "Māris",
)  # fmt: skip
FEMALE = (
    "Anna", "Līga", "Ērika", "Inese", "Ilze", "Kristīne", "Dace", "Zane", "Baiba", "Māra",
    "Sanita", "Aija", "Ieva", "Laura", "Agnese", "Līva", "Elīna", "Anete", "Gunta", "Dzintra",
    "Vija", "Ināra", "Rūta", "Sarmīte", "Evija",
)  # fmt: skip
SURNAMES = (
    ("Bērziņš", "Bērziņa"), ("Ozoliņš", "Ozoliņa"), ("Kalniņš", "Kalniņa"), ("Šmits", "Šmite"),
    ("Ķēniņš", "Ķēniņa"), ("Jansons", "Jansone"), ("Liepa", "Liepa"), ("Krūmiņš", "Krūmiņa"),
    ("Zariņš", "Zariņa"), ("Vītols", "Vītola"), ("Kļaviņš", "Kļaviņa"), ("Pētersons", "Pētersone"),
    ("Eglītis", "Eglīte"), ("Lapiņš", "Lapiņa"), ("Balodis", "Balode"), ("Siliņš", "Siliņa"),
    ("Vanags", "Vanaga"), ("Kalējs", "Kalēja"), ("Liepiņš", "Liepiņa"), ("Zālītis", "Zālīte"),
    ("Āboliņš", "Āboliņa"), ("Strazds", "Strazda"), ("Gailis", "Gaile"), ("Grīnbergs", "Grīnberga"),
    ("Žagars", "Žagare"), ("Ozols", "Ozola"), ("Krastiņš", "Krastiņa"), ("Dūmiņš", "Dūmiņa"),
    ("Freimanis", "Freimane"), ("Birznieks", "Birzniece"), ("Lūsis", "Lūse"), ("Čakste", "Čakste"),
)  # fmt: skip
STREETS = (
    "Brīvības iela", "Elizabetes iela", "Krišjāņa Barona iela", "Tērbatas iela", "Čaka iela",
    "Lāčplēša iela", "Dzirnavu iela", "Krišjāņa Valdemāra iela", "Maskavas iela", "Ganību dambis",
    "Rīgas iela", "Lielā iela", "Jomas iela", "Ūdens iela", "Skolas iela", "Pils iela",
    "Zemitāna iela", "Gaujas iela", "Dārza iela", "Ezermalas iela", "Kuldīgas iela",
    "Čiekurkalna 1. līnija", "Čiekurkalna 2. līnija", "Ķengaraga iela", "Vienības gatve",
)  # fmt: skip
CITIES = (
    ("Rīga", "LV-10"), ("Rīga", "LV-10"), ("Rīga", "LV-10"), ("Jūrmala", "LV-20"),
    ("Liepāja", "LV-34"), ("Daugavpils", "LV-54"), ("Ventspils", "LV-36"), ("Cēsis", "LV-41"),
    ("Valmiera", "LV-42"), ("Jelgava", "LV-30"), ("Sigulda", "LV-21"), ("Ogre", "LV-50"),
    ("Kuldīga", "LV-33"), ("Rēzekne", "LV-46"), ("Talsi", "LV-32"),
)  # fmt: skip
MAIL_DOMAINS = ("inbox.lv", "gmail.com", "apollo.lv", "outlook.com", "tvnet.lv", "mail.lv")
COMPANIES = (
    "Koka Darbnīca", "Baltijas Zīmes", "Ziemeļu Dizains", "Rīgas Reklāma", "Kurzemes Nami",
    "Vidzemes Būve", "Dzintara Krasts", "Gaujas Viesnīca", "Latgales Maiznīca", "Zaļā Māja",
)  # fmt: skip
PRODUCTS = (
    ("Gravēta koka zīme \u201eMājas numurs\u201d", "ZIM-1001", "24.90"),
    ("Durvju plāksnīte, misiņš", "ZIM-1002", "18.50"),
    ("Ielas nosaukuma zīme A3", "ZIM-1010", "39.00"),
    ("Uzlīme \u201eNesmēķēt\u201d (5 gab.)", "ZIM-2001", "4.20"),
    ("Akrila plāksne ar logo 30x20", "ZIM-3005", "56.00"),
    ("Evakuācijas plāns A2", "ZIM-4002", "72.00"),
    ("Kabineta durvju zīme", "ZIM-1015", "15.90"),
    ("Suvenīrs \u201eRīgas jumti\u201d", "ZIM-5003", "9.80"),
    ("Pastkastītes uzlīme", "ZIM-2010", "3.50"),
    ("Āra zīme \u201eAtvērts\u201d ar LED", "ZIM-3020", "119.00"),
)  # fmt: skip
SHIPPING = (
    ("Omniva pakomāts", "2.99"), ("DPD pakomāts", "2.79"), ("DPD kurjers", "5.50"),
    ("Pasta nodaļa", "3.20"), ("Saņemt veikalā", "0.00"),
)  # fmt: skip
PAYMENT_METHODS = (
    "Swedbank", "SEB banka", "Citadele", "Luminor", "PayPal", "Maksājumu karte",
    "Bankas pārskaitījums",
)  # fmt: skip
DISCOUNTS = (("", "0"),) * 8 + (("ZIMA10", "10"), ("PAVASARIS", "5"))
CLEAN_NOTES = ("",) * 14 + (
    "Lūdzu piegādāt pēc 17:00",
    "Zvanīt pirms piegādes",
    "Dāvanai, lūdzu, bez čeka",
    "Ja nav mājās, atstāt pie kaimiņiem",
    "Vai var gravēt arī otrā pusē?",
    "Paldies!",
    "Lūdzu iesaiņot dāvanu papīrā",
    "Burtiem lūdzu zelta krāsu",
    "Piegādāt uz darbu, 3. stāvs",
)
REGISTER_NOTES = ("",) * 10 + (
    "Pastāvīgs klients",
    "Vēlas rēķinu e-pastā",
    "Interesējās par lielāku pasūtījumu",
    "Sūdzība par piegādes kavējumu atrisināta",
)


def ascii_fold(text: str) -> str:
    """Drop diacritics (for e-mail addresses)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def full_name(gender: str, first: int, surname: int) -> str:
    """A Latvian full name with the surname in the form that agrees with the gender."""
    firsts = MALE if gender == "m" else FEMALE
    pair = SURNAMES[surname % len(SURNAMES)]
    return f"{firsts[first % len(firsts)]} {pair[0] if gender == 'm' else pair[1]}"
