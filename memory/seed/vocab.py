"""Vocabulary for generated demo and synthetic data — plain data, no logic beyond lookups.

Everything here is fictional: brand names are invented, and every e-mail address and
website the generators build uses a reserved ``example`` domain (RFC 2606), so a demo
that sends mail or fetches a blog can never reach a real person.

Captions, bios and taglines exist in English, French, German and Spanish
(:data:`CAPTION_LANGUAGES`); creators writing in any other language fall back to English
text (their names, cities and language codes stay native).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from memory.domain.places import country_name

CAPTION_LANGUAGES: tuple[str, ...] = ("en", "fr", "de", "es")


def text_language(language: str | None) -> str:
    """The language generated text is written in: the creator's own if we have
    templates for it, else English."""
    return language if language in CAPTION_LANGUAGES else "en"


def ascii_slug(text: str, sep: str = "") -> str:
    """Lower-case ASCII letters and digits only (accents dropped), words joined by ``sep``:
    the shape of a social handle."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = ["".join(ch for ch in w.lower() if ch.isalnum()) for w in plain.split()]
    return sep.join(w for w in words if w)


# --------------------------------------------------------------------------------------------
# Geography: 25 countries, their languages (weighted) and cities.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Country:
    """A country of the demo data: its code, how many creators it gets, their languages and
    cities. Names come from the domain core (memory.domain.places), never from here."""

    code: str
    weight: float  # share of generated creators, roughly following creator-economy size
    languages: tuple[tuple[str, float], ...]
    cities: tuple[str, ...]
    currency: str = "USD"

    @property
    def name(self) -> str:
        return country_name(self.code)


COUNTRIES: tuple[Country, ...] = (
    Country("US", 22, (("en", 0.93), ("es", 0.07)),
            ("New York", "Los Angeles", "Austin", "Miami", "Chicago", "Seattle", "Nashville", "Denver")),
    Country("GB", 9, (("en", 1.0),), ("London", "Manchester", "Bristol", "Edinburgh", "Leeds", "Brighton"), "GBP"),
    Country("CA", 4, (("en", 0.75), ("fr", 0.25)), ("Toronto", "Vancouver", "Montreal", "Calgary", "Ottawa"), "CAD"),
    Country("AU", 3, (("en", 1.0),), ("Sydney", "Melbourne", "Brisbane", "Perth"), "AUD"),
    Country("IE", 1, (("en", 1.0),), ("Dublin", "Cork", "Galway"), "EUR"),
    Country("IN", 4, (("en", 1.0),), ("Mumbai", "Bengaluru", "Delhi", "Pune", "Hyderabad"), "INR"),
    Country("SG", 1, (("en", 1.0),), ("Singapore",), "SGD"),
    Country("ZA", 1, (("en", 1.0),), ("Cape Town", "Johannesburg", "Durban"), "ZAR"),
    Country("FR", 8, (("fr", 1.0),), ("Paris", "Lyon", "Marseille", "Bordeaux", "Lille", "Nantes", "Toulouse"), "EUR"),
    Country("BE", 2, (("fr", 0.45), ("nl", 0.55)), ("Brussels", "Antwerp", "Ghent", "Liège"), "EUR"),
    Country("CH", 2, (("de", 0.65), ("fr", 0.25), ("it", 0.10)), ("Zurich", "Geneva", "Basel", "Lausanne"), "CHF"),
    Country("DE", 7, (("de", 1.0),), ("Berlin", "Munich", "Hamburg", "Cologne", "Frankfurt", "Leipzig"), "EUR"),
    Country("AT", 1.5, (("de", 1.0),), ("Vienna", "Graz", "Salzburg"), "EUR"),
    Country("ES", 5, (("es", 1.0),), ("Madrid", "Barcelona", "Valencia", "Seville", "Málaga", "Bilbao"), "EUR"),
    Country("MX", 4, (("es", 1.0),), ("Mexico City", "Guadalajara", "Monterrey", "Puebla"), "MXN"),
    Country("AR", 2, (("es", 1.0),), ("Buenos Aires", "Córdoba", "Rosario", "Mendoza"), "ARS"),
    Country("CO", 1.5, (("es", 1.0),), ("Bogotá", "Medellín", "Cali"), "COP"),
    Country("IT", 5, (("it", 1.0),), ("Milan", "Rome", "Turin", "Florence", "Naples", "Bologna"), "EUR"),
    Country("PT", 1.5, (("pt", 1.0),), ("Lisbon", "Porto", "Braga"), "EUR"),
    Country("BR", 5, (("pt", 1.0),), ("São Paulo", "Rio de Janeiro", "Belo Horizonte", "Curitiba", "Salvador"), "BRL"),
    Country("JP", 3, (("ja", 1.0),), ("Tokyo", "Osaka", "Kyoto", "Fukuoka", "Sapporo"), "JPY"),
    Country("KR", 3, (("ko", 1.0),), ("Seoul", "Busan", "Incheon", "Daegu"), "KRW"),
    Country("NL", 3, (("nl", 1.0),), ("Amsterdam", "Rotterdam", "Utrecht", "The Hague", "Eindhoven"), "EUR"),
    Country("SE", 2, (("sv", 1.0),), ("Stockholm", "Gothenburg", "Malmö", "Uppsala"), "SEK"),
    Country("NO", 1, (("no", 1.0),), ("Oslo", "Bergen", "Trondheim"), "NOK"),
)
COUNTRY_BY_CODE: dict[str, Country] = {c.code: c for c in COUNTRIES}


# --------------------------------------------------------------------------------------------
# People: first names (female / male) and last names per language.
# --------------------------------------------------------------------------------------------

FIRST_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "f": ("Emma", "Olivia", "Ava", "Sophia", "Mia", "Chloe", "Grace", "Lily", "Hannah", "Zoe", "Ella", "Maya",
              "Harper", "Nora", "Ruby", "Isla", "Priya", "Aisha", "Jade", "Claire"),
        "m": ("James", "Liam", "Noah", "Ethan", "Lucas", "Oliver", "Jack", "Ryan", "Daniel", "Leo", "Owen", "Caleb",
              "Arjun", "Marcus", "Sam", "Theo", "Nathan", "Kai", "Aaron", "Ben"),
    },
    "fr": {
        "f": ("Camille", "Léa", "Manon", "Chloé", "Inès", "Juliette", "Louise", "Sarah", "Clara", "Anaïs", "Margaux",
              "Pauline", "Élodie", "Amandine", "Lucie", "Zoé", "Océane", "Mathilde", "Yasmine", "Justine"),
        "m": ("Lucas", "Hugo", "Louis", "Théo", "Nathan", "Arthur", "Jules", "Maxime", "Antoine", "Baptiste",
              "Thomas", "Quentin", "Romain", "Mehdi", "Julien", "Adrien", "Victor", "Paul", "Clément", "Sacha"),
    },
    "de": {
        "f": ("Lena", "Hannah", "Anna", "Lea", "Marie", "Sophie", "Laura", "Julia", "Katharina", "Johanna", "Clara",
              "Mia", "Paula", "Emilia", "Franziska", "Leonie", "Nina", "Vanessa", "Theresa", "Sarah"),
        "m": ("Lukas", "Jonas", "Felix", "Leon", "Maximilian", "Paul", "Finn", "Niklas", "Tobias", "Jan",
              "Moritz", "Florian", "Sebastian", "Elias", "Julian", "David", "Tim", "Fabian", "Matthias", "Philipp"),
    },
    "es": {
        "f": ("Lucía", "Sofía", "Martina", "María", "Paula", "Valeria", "Carmen", "Daniela", "Alba", "Elena", "Julia",
              "Camila", "Valentina", "Isabella", "Andrea", "Natalia", "Irene", "Claudia", "Ximena", "Marina"),
        "m": ("Hugo", "Mateo", "Pablo", "Martín", "Alejandro", "Daniel", "Diego", "Javier", "Sergio", "Adrián",
              "Santiago", "Sebastián", "Nicolás", "Carlos", "Andrés", "Miguel", "Álvaro", "Iván", "Gonzalo", "Tomás"),
    },
    "it": {
        "f": ("Giulia", "Sofia", "Aurora", "Alice", "Ginevra", "Emma", "Giorgia", "Chiara", "Francesca", "Martina",
              "Beatrice", "Elisa", "Sara", "Valentina", "Federica", "Arianna", "Noemi", "Camilla", "Ilaria", "Bianca"),
        "m": ("Leonardo", "Francesco", "Alessandro", "Lorenzo", "Matteo", "Andrea", "Gabriele", "Riccardo", "Marco",
              "Tommaso", "Davide", "Luca", "Giuseppe", "Federico", "Stefano", "Simone", "Edoardo", "Pietro", "Nicola", "Paolo"),
    },
    "pt": {
        "f": ("Ana", "Beatriz", "Mariana", "Inês", "Leonor", "Carolina", "Júlia", "Laura", "Larissa", "Gabriela",
              "Fernanda", "Camila", "Rafaela", "Luana", "Bianca", "Marta", "Sara", "Clara", "Isabela", "Letícia"),
        "m": ("João", "Pedro", "Gabriel", "Lucas", "Rafael", "Miguel", "Tiago", "Gustavo", "Matheus", "Felipe",
              "Bruno", "Diogo", "Rodrigo", "Thiago", "André", "Caio", "Vinícius", "Henrique", "Duarte", "Leonardo"),
    },
    "ja": {
        "f": ("Yui", "Aoi", "Hina", "Sakura", "Mei", "Yuna", "Rin", "Miyu", "Haruka", "Nanami", "Emi", "Ayaka",
              "Saki", "Kaho", "Misaki", "Riko", "Mio", "Natsuki", "Yuka", "Akari"),
        "m": ("Haruto", "Sota", "Ren", "Yuto", "Kaito", "Riku", "Takumi", "Kenji", "Daiki", "Hiroshi", "Shota",
              "Yuki", "Ryota", "Sho", "Kenta", "Naoki", "Daisuke", "Taro", "Koji", "Hayato"),
    },
    "ko": {
        "f": ("Seo-yeon", "Ji-woo", "Ha-eun", "Min-seo", "Soo-ah", "Ji-min", "Yoo-na", "Da-eun", "Eun-ji", "Hye-jin",
              "Chae-won", "Su-bin", "Na-yeon", "Ye-jin", "Ji-hye", "Bo-ra", "Mi-rae", "Ga-eun", "Hana", "So-yeon"),
        "m": ("Min-jun", "Seo-jun", "Do-yoon", "Ji-ho", "Ha-jun", "Joon-ho", "Tae-yang", "Hyun-woo", "Sung-min",
              "Jae-won", "Dong-hyun", "Woo-jin", "Ji-hoon", "Kyung-soo", "Sang-woo", "Eun-woo", "Jun-seo", "Tae-min",
              "Yong-jun", "Min-ho"),
    },
    "nl": {
        "f": ("Emma", "Julia", "Sophie", "Tess", "Fleur", "Anouk", "Sanne", "Lotte", "Noor", "Eva", "Lieke",
              "Femke", "Isa", "Roos", "Maud", "Floor", "Jasmijn", "Ilse", "Merel", "Naomi"),
        "m": ("Daan", "Sem", "Lucas", "Milan", "Bram", "Thijs", "Jesse", "Lars", "Ruben", "Stijn", "Joris",
              "Niels", "Teun", "Wouter", "Koen", "Jeroen", "Sven", "Pieter", "Floris", "Gijs"),
    },
    "sv": {
        "f": ("Alice", "Maja", "Elsa", "Astrid", "Wilma", "Ebba", "Saga", "Freja", "Linnea", "Ida", "Klara", "Agnes",
              "Stella", "Selma", "Signe", "Tilda", "Moa", "Hedda", "Johanna", "Sara"),
        "m": ("William", "Oscar", "Hugo", "Elias", "Axel", "Erik", "Nils", "Gustav", "Anton", "Olle", "Viktor",
              "Isak", "Filip", "Albin", "Emil", "Johan", "Linus", "Sixten", "Ludvig", "Karl"),
    },
    "no": {
        "f": ("Nora", "Emma", "Ingrid", "Sofie", "Thea", "Maja", "Ida", "Sigrid", "Hedda", "Kaja", "Tuva", "Frida",
              "Ane", "Live", "Silje", "Marte", "Ingeborg", "Vilde", "Eline", "Synne"),
        "m": ("Jakob", "Emil", "Noah", "Oskar", "Lukas", "Henrik", "Magnus", "Sander", "Aksel", "Even", "Sindre",
              "Eirik", "Håkon", "Mathias", "Tobias", "Ola", "Kristian", "Vegard", "Torstein", "Anders"),
    },
}

LAST_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("Smith", "Johnson", "Williams", "Brown", "Taylor", "Walker", "Carter", "Bennett", "Hughes", "Foster",
           "Reed", "Brooks", "Patel", "Nguyen", "Kim", "Murphy", "O'Connor", "Campbell", "Turner", "Hayes",
           "Sharma", "Evans", "Collins", "Parker", "Morgan"),
    "fr": ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
           "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "Fontaine", "Rousseau", "Blanc", "Guerin", "Benali",
           "Chevalier", "Girard", "Mercier", "Lambert", "Faure"),
    "de": ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
           "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hartmann",
           "Lange", "Werner", "Krause", "Lehmann", "Köhler"),
    "es": ("García", "Rodríguez", "Martínez", "López", "Sánchez", "Pérez", "Gómez", "Fernández", "Díaz", "Torres",
           "Ruiz", "Romero", "Navarro", "Morales", "Ortega", "Castro", "Vargas", "Herrera", "Jiménez", "Molina",
           "Delgado", "Ramos", "Reyes", "Flores", "Suárez"),
    "it": ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
           "Bruno", "Gallo", "Conti", "De Luca", "Costa", "Giordano", "Mancini", "Rizzo", "Lombardi", "Moretti"),
    "pt": ("Silva", "Santos", "Oliveira", "Souza", "Ferreira", "Pereira", "Costa", "Rodrigues", "Almeida",
           "Carvalho", "Gomes", "Martins", "Ribeiro", "Alves", "Lima", "Araújo", "Barbosa", "Rocha", "Mendes", "Nunes"),
    "ja": ("Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi",
           "Kato", "Yoshida", "Yamada", "Sasaki", "Matsumoto", "Inoue", "Kimura", "Hayashi", "Shimizu", "Mori", "Ikeda"),
    "ko": ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Oh", "Seo", "Shin",
           "Kwon", "Hwang", "Ahn", "Song", "Yoo", "Hong"),
    "nl": ("de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit",
           "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
           "Brouwer"),
    "sv": ("Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
           "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Lindberg", "Lindqvist", "Berg", "Holm", "Lund",
           "Ström", "Sandberg", "Ek"),
    "no": ("Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen",
           "Karlsen", "Haugen", "Berg", "Bakken", "Solberg", "Dahl", "Lie", "Moen", "Strand", "Eide", "Halvorsen"),
}

# Reserved domains only (RFC 2606): demo mail must never reach a real inbox.
EMAIL_DOMAINS: tuple[str, ...] = ("example.com", "example.org", "example.net", "mail.example", "inbox.example")
AGENCY_DOMAINS: tuple[str, ...] = ("brightsidetalent.example", "northstar-mgmt.example", "collabhouse.example",
                                   "wavelength-agency.example")


# --------------------------------------------------------------------------------------------
# Niches.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Brand:
    name: str
    handle: str  # social handle used in "@mentions" of sponsored posts
    products: tuple[str, ...]  # product names used in sponsored posts and shipments


@dataclass(frozen=True)
class Niche:
    """Everything the generators need to write believable content in one niche."""

    name: str
    weight: float  # relative popularity among generated influencers
    related: tuple[str, ...]  # likely second niches of the same creator
    female_pct: float  # typical share of female audience
    handle_words: tuple[str, ...]
    hashtags: tuple[str, ...]
    taglines: dict[str, tuple[str, ...]]  # language -> bio taglines
    products: dict[str, tuple[str, ...]]  # language -> products talked about in posts
    topics: dict[str, tuple[str, ...]]  # language -> topics talked about in posts
    credentials: tuple[str, ...] = ()  # KOL credentials that fit the niche
    kol_weight: float = 0.0  # relative share of the niche among generated KOLs
    brands: tuple[Brand, ...] = field(default_factory=tuple)


NICHES: dict[str, Niche] = {n.name: n for n in (
    Niche(
        "skincare", 9, ("beauty", "health", "wellness"), 0.84,
        ("skin", "glow", "derm", "dewy", "spf", "serum"),
        ("#skincare", "#skincareroutine", "#spf"),
        {"en": ("Skincare that actually works, minus the hype.", "Sensitive skin, honest reviews, daily SPF."),
         "fr": ("Des soins qui marchent vraiment, sans le blabla.", "Peau sensible, avis honnêtes, SPF tous les jours."),
         "de": ("Hautpflege, die wirklich wirkt – ohne Hype.", "Sensible Haut, ehrliche Reviews, täglich LSF."),
         "es": ("Cuidado de la piel que funciona, sin humo.", "Piel sensible, reseñas honestas y SPF a diario.")},
        {"en": ("vitamin C serum", "mineral sunscreen SPF 50", "niacinamide serum", "ceramide moisturiser", "retinol night cream"),
         "fr": ("sérum à la vitamine C", "crème solaire minérale SPF 50", "sérum au niacinamide", "crème hydratante aux céramides", "crème de nuit au rétinol"),
         "de": ("Vitamin-C-Serum", "mineralische Sonnencreme LSF 50", "Niacinamid-Serum", "Ceramid-Feuchtigkeitscreme", "Retinol-Nachtcreme"),
         "es": ("sérum de vitamina C", "protector solar mineral SPF 50", "sérum de niacinamida", "crema hidratante con ceramidas", "crema de noche con retinol")},
        {"en": ("a routine for sensitive skin", "double cleansing", "skin barrier repair", "acne scars", "reapplying sunscreen"),
         "fr": ("une routine pour peau sensible", "le double nettoyage", "réparer la barrière cutanée", "les cicatrices d'acné", "réappliquer sa crème solaire"),
         "de": ("eine Routine für sensible Haut", "Double Cleansing", "die Hautbarriere reparieren", "Aknenarben", "Sonnenschutz nachcremen"),
         "es": ("una rutina para piel sensible", "la doble limpieza", "reparar la barrera cutánea", "las marcas de acné", "reaplicar el protector solar")},
        ("Board-certified dermatologist", "Cosmetic chemist (MSc)", "Dermatology nurse practitioner"), 14,
        (Brand("Lumière Skin", "lumiereskin", ("Glow Vitamin C Serum", "Barrier Repair Cream", "Daily Mineral SPF 50")),
         Brand("DermaPure", "dermapure", ("Calm Cleanser", "Ceramide Night Balm")),
         Brand("Aqualis Lab", "aqualislab", ("Hydra Mist", "Hyaluronic Gel Cream"))),
    ),
    Niche(
        "beauty", 10, ("skincare", "fashion"), 0.86,
        ("beauty", "glam", "makeup", "blush", "lash"),
        ("#beauty", "#makeup", "#makeuptutorial"),
        {"en": ("Everyday makeup, bold lips and the odd glam night.", "Makeup tutorials for real life."),
         "fr": ("Maquillage du quotidien, lèvres audacieuses et soirées glam.", "Des tutos maquillage pour la vraie vie."),
         "de": ("Alltags-Make-up, kräftige Lippen und ab und zu Glam.", "Make-up-Tutorials fürs echte Leben."),
         "es": ("Maquillaje diario, labios atrevidos y alguna noche glam.", "Tutoriales de maquillaje para la vida real.")},
        {"en": ("cream blush", "long-wear foundation", "volumising mascara", "liquid lipstick", "brow gel"),
         "fr": ("blush crème", "fond de teint longue tenue", "mascara volume", "rouge à lèvres liquide", "gel sourcils"),
         "de": ("Cream Blush", "langanhaltende Foundation", "Volumen-Mascara", "Liquid Lipstick", "Augenbrauengel"),
         "es": ("colorete en crema", "base de larga duración", "máscara de pestañas voluminizadora", "labial líquido", "gel de cejas")},
        {"en": ("a 5-minute makeup look", "makeup for hooded eyes", "a soft glam tutorial", "finding your foundation shade", "a no-makeup makeup look"),
         "fr": ("un maquillage en 5 minutes", "le maquillage des yeux tombants", "un tuto soft glam", "trouver sa teinte de fond de teint", "un maquillage nude"),
         "de": ("ein 5-Minuten-Make-up", "Make-up für Schlupflider", "ein Soft-Glam-Tutorial", "den richtigen Foundation-Ton finden", "einen No-Make-up-Look"),
         "es": ("un maquillaje en 5 minutos", "maquillaje para párpados caídos", "un tutorial soft glam", "encontrar tu tono de base", "un look sin maquillaje")},
        ("Licensed esthetician", "Cosmetic chemist (PhD)"), 3,
        (Brand("Velvet & Co", "velvetandco", ("Cloud Cream Blush", "Velvet Matte Lip")),
         Brand("Maison Rouge Cosmetics", "maisonrouge", ("Second Skin Foundation", "Lash Lift Mascara")),
         Brand("GlowTheory", "glowtheory", ("Highlighter Duo", "Brow Set Gel"))),
    ),
    Niche(
        "fitness", 10, ("nutrition", "health", "wellness"), 0.48,
        ("fit", "lift", "strong", "gains", "move", "run"),
        ("#fitness", "#workout", "#strengthtraining"),
        {"en": ("Strength training for busy people.", "Coach, runner, stubbornly consistent."),
         "fr": ("Musculation pour les gens pressés.", "Coach, coureur, régulier par entêtement."),
         "de": ("Krafttraining für Menschen mit wenig Zeit.", "Coach, Läufer, stur konsequent."),
         "es": ("Entrenamiento de fuerza para gente ocupada.", "Entrenador, corredor y constante por cabezonería.")},
        {"en": ("resistance bands", "adjustable dumbbells", "running shoes", "a smart fitness watch", "a foam roller"),
         "fr": ("élastiques de résistance", "haltères réglables", "chaussures de running", "une montre de sport connectée", "un rouleau de massage"),
         "de": ("Widerstandsbänder", "verstellbare Kurzhanteln", "Laufschuhe", "eine smarte Sportuhr", "eine Faszienrolle"),
         "es": ("bandas elásticas", "mancuernas ajustables", "zapatillas de running", "un reloj deportivo inteligente", "un rodillo de espuma")},
        {"en": ("a 20-minute full-body workout", "progressive overload", "training for a first half marathon", "mobility for desk workers", "rest days"),
         "fr": ("une séance full body de 20 minutes", "la surcharge progressive", "préparer un premier semi-marathon", "la mobilité au bureau", "les jours de repos"),
         "de": ("ein 20-Minuten-Ganzkörpertraining", "progressive Überlastung", "das Training für den ersten Halbmarathon", "Mobilität für Schreibtischarbeiter", "Ruhetage"),
         "es": ("un entrenamiento de cuerpo completo de 20 minutos", "la sobrecarga progresiva", "preparar mi primer medio maratón", "movilidad para quien trabaja sentado", "los días de descanso")},
        ("Sports physiotherapist", "NSCA-certified strength and conditioning specialist (CSCS)", "Sports medicine physician (MD)"), 8,
        (Brand("PulseFit", "pulsefit", ("Pulse Band 3", "FlexCore Dumbbells", "Recovery Roller")),
         Brand("IronLeaf", "ironleaf", ("Grip Pro Gloves", "Lift Belt")),
         Brand("Stride Athletics", "strideathletics", ("Tempo Runner shoes", "AirKnit Leggings"))),
    ),
    Niche(
        "nutrition", 6, ("fitness", "food", "health"), 0.64,
        ("nutri", "eats", "protein", "plate", "fuel"),
        ("#nutrition", "#healthyeating", "#mealprep"),
        {"en": ("Evidence-based nutrition, zero diet culture.", "High-protein meal prep that tastes like food."),
         "fr": ("Nutrition basée sur la science, sans culture des régimes.", "Meal prep riche en protéines et vraiment bon."),
         "de": ("Evidenzbasierte Ernährung ohne Diätkultur.", "Proteinreiches Meal Prep, das nach Essen schmeckt."),
         "es": ("Nutrición basada en evidencia, sin cultura de dieta.", "Meal prep alto en proteína que sabe a comida de verdad.")},
        {"en": ("plant protein powder", "overnight oats", "greek yoghurt bowls", "a magnesium supplement", "high-fibre granola"),
         "fr": ("protéine végétale en poudre", "overnight oats", "bols de yaourt grec", "un complément de magnésium", "du granola riche en fibres"),
         "de": ("pflanzliches Proteinpulver", "Overnight Oats", "Bowls mit griechischem Joghurt", "ein Magnesium-Präparat", "ballaststoffreiches Granola"),
         "es": ("proteína vegetal en polvo", "overnight oats", "bowls de yogur griego", "un suplemento de magnesio", "granola rica en fibra")},
        {"en": ("protein for women over 40", "meal prep on a budget", "gut health", "reading nutrition labels", "blood sugar balance"),
         "fr": ("les protéines après 40 ans", "le meal prep petit budget", "la santé intestinale", "lire les étiquettes nutritionnelles", "l'équilibre de la glycémie"),
         "de": ("Protein für Frauen über 40", "Meal Prep mit kleinem Budget", "Darmgesundheit", "Nährwertangaben lesen", "einen stabilen Blutzucker"),
         "es": ("la proteína en mujeres de más de 40", "el meal prep económico", "la salud intestinal", "leer etiquetas nutricionales", "el equilibrio del azúcar en sangre")},
        ("Registered dietitian (RD)", "Nutrition scientist (PhD)"), 9,
        (Brand("GreenBowl", "greenbowl", ("Plant Protein Vanilla", "Daily Greens")),
         Brand("NutriNest", "nutrinest", ("Overnight Oats Kit", "Magnesium Glycinate"))),
    ),
    Niche(
        "fashion", 9, ("beauty", "sustainability", "travel"), 0.78,
        ("style", "outfit", "closet", "wardrobe", "chic"),
        ("#fashion", "#ootd", "#styleinspo"),
        {"en": ("Capsule wardrobes and thrifted finds.", "Outfits for real bodies and real budgets."),
         "fr": ("Garde-robe capsule et trouvailles de seconde main.", "Des tenues pour de vrais corps et de vrais budgets."),
         "de": ("Capsule Wardrobe und Second-Hand-Funde.", "Outfits für echte Körper und echte Budgets."),
         "es": ("Armario cápsula y hallazgos de segunda mano.", "Outfits para cuerpos reales y presupuestos reales.")},
        {"en": ("a linen blazer", "wide-leg trousers", "white leather sneakers", "a trench coat", "a knit midi dress"),
         "fr": ("un blazer en lin", "un pantalon large", "des baskets en cuir blanc", "un trench", "une robe midi en maille"),
         "de": ("ein Leinenblazer", "eine Hose mit weitem Bein", "weiße Ledersneaker", "ein Trenchcoat", "ein Midi-Strickkleid"),
         "es": ("una americana de lino", "un pantalón ancho", "unas zapatillas de piel blancas", "una gabardina", "un vestido midi de punto")},
        {"en": ("a capsule wardrobe for autumn", "styling one piece five ways", "thrift haul tips", "what to wear to a wedding", "dressing for your body shape"),
         "fr": ("une garde-robe capsule pour l'automne", "porter une pièce de cinq façons", "les astuces friperie", "quoi porter à un mariage", "s'habiller selon sa morphologie"),
         "de": ("eine Capsule Wardrobe für den Herbst", "ein Teil, fünf Looks", "Tipps fürs Secondhand-Shopping", "was man zur Hochzeit trägt", "Kleidung für die eigene Figur"),
         "es": ("un armario cápsula para otoño", "combinar una prenda de cinco formas", "trucos para comprar de segunda mano", "qué ponerse para una boda", "vestir según tu tipo de cuerpo")},
        ("Fashion historian (PhD)", "Textile engineer"), 1,
        (Brand("Atelier Nord", "ateliernord", ("Wool Trench", "Linen Blazer")),
         Brand("Linen & Loom", "linenandloom", ("Wide-Leg Trousers", "Knit Midi Dress")),
         Brand("Stitchwell", "stitchwell", ("Everyday Sneaker",))),
    ),
    Niche(
        "travel", 8, ("food", "sustainability", "fashion"), 0.58,
        ("travel", "wander", "roam", "nomad", "passport", "trails"),
        ("#travel", "#travelgram", "#wanderlust"),
        {"en": ("Slow travel, train journeys and long lunches.", "Budget-friendly trips, 40 countries and counting."),
         "fr": ("Voyage lent, trains de nuit et longs déjeuners.", "Voyages à petit budget, 40 pays et ça continue."),
         "de": ("Langsam reisen, Zugfahrten und lange Mittagessen.", "Günstig reisen – 40 Länder und es geht weiter."),
         "es": ("Viajes lentos, trenes y sobremesas largas.", "Viajes low cost: 40 países y subiendo.")},
        {"en": ("a carry-on backpack", "packing cubes", "a travel eSIM", "noise-cancelling headphones", "a rail pass"),
         "fr": ("un sac à dos cabine", "des cubes de rangement", "une eSIM de voyage", "un casque à réduction de bruit", "un pass ferroviaire"),
         "de": ("ein Handgepäck-Rucksack", "Packwürfel", "eine Reise-eSIM", "Noise-Cancelling-Kopfhörer", "ein Bahnpass"),
         "es": ("una mochila de cabina", "organizadores de maleta", "una eSIM de viaje", "unos auriculares con cancelación de ruido", "un pase de tren")},
        {"en": ("three days in Lisbon", "night trains across Europe", "travelling carry-on only", "hidden beaches in Sicily", "a weekend in Kyoto"),
         "fr": ("trois jours à Lisbonne", "les trains de nuit en Europe", "voyager avec un bagage cabine", "les plages cachées de Sicile", "un week-end à Kyoto"),
         "de": ("drei Tage in Lissabon", "Nachtzüge durch Europa", "Reisen nur mit Handgepäck", "versteckte Strände auf Sizilien", "ein Wochenende in Kyoto"),
         "es": ("tres días en Lisboa", "trenes nocturnos por Europa", "viajar solo con equipaje de mano", "playas escondidas en Sicilia", "un fin de semana en Kioto")},
        ("Travel medicine physician (MD)", "Tourism economist (PhD)"), 1,
        (Brand("Wanderly", "wanderly", ("Wanderly eSIM", "Carry-On Pack 35L")),
         Brand("Nomad Rail", "nomadrail", ("Europe Rail Pass",)),
         Brand("Harbor Hotels", "harborhotels", ("Harbor Weekend Stay",))),
    ),
    Niche(
        "food", 9, ("nutrition", "travel", "home & decor"), 0.62,
        ("eats", "kitchen", "cooks", "recipes", "bakes", "foodie"),
        ("#foodie", "#recipes", "#homecooking"),
        {"en": ("Weeknight recipes in 30 minutes or less.", "Home cook, sourdough obsessive."),
         "fr": ("Des recettes du soir en 30 minutes max.", "Cuisinière du quotidien, accro au levain."),
         "de": ("Feierabendrezepte in 30 Minuten.", "Hobbykoch mit Sauerteig-Obsession."),
         "es": ("Recetas entre semana en 30 minutos o menos.", "Cocina casera y obsesión por la masa madre.")},
        {"en": ("a cast-iron skillet", "extra virgin olive oil", "a sourdough starter", "smoked paprika", "a chef's knife"),
         "fr": ("une poêle en fonte", "de l'huile d'olive vierge extra", "un levain", "du paprika fumé", "un couteau de chef"),
         "de": ("eine Gusseisenpfanne", "natives Olivenöl extra", "ein Sauerteig-Starter", "geräuchertes Paprikapulver", "ein Kochmesser"),
         "es": ("una sartén de hierro fundido", "aceite de oliva virgen extra", "una masa madre", "pimentón de la Vera", "un cuchillo de chef")},
        {"en": ("a one-pot pasta", "a 15-minute weeknight dinner", "my grandmother's lasagne", "baking sourdough", "batch cooking for the week"),
         "fr": ("des pâtes one pot", "un dîner express de 15 minutes", "les lasagnes de ma grand-mère", "faire son pain au levain", "le batch cooking de la semaine"),
         "de": ("One-Pot-Pasta", "ein 15-Minuten-Abendessen", "die Lasagne meiner Oma", "Sauerteigbrot backen", "Vorkochen für die Woche"),
         "es": ("una pasta en una sola olla", "una cena rápida de 15 minutos", "la lasaña de mi abuela", "hacer pan de masa madre", "el batch cooking de la semana")},
        ("Michelin-trained chef", "Food scientist (MSc)"), 2,
        (Brand("Olivetta", "olivetta", ("Early Harvest Olive Oil", "Chili Crisp Oil")),
         Brand("Spice Route Co", "spiceroute", ("Smoked Paprika Tin", "Curry Blend Set")),
         Brand("Kitchen Theory", "kitchentheory", ("Cast-Iron Skillet", "Chef's Knife 20cm"))),
    ),
    Niche(
        "parenting", 6, ("education", "health", "food"), 0.82,
        ("mama", "papa", "family", "littles", "momlife", "dadlife"),
        ("#parenting", "#momlife", "#toddlerlife"),
        {"en": ("Two kids, one dog, zero sleep.", "Gentle parenting without the guilt."),
         "fr": ("Deux enfants, un chien, zéro sommeil.", "Parentalité bienveillante, sans culpabilité."),
         "de": ("Zwei Kinder, ein Hund, null Schlaf.", "Bedürfnisorientiert erziehen ohne schlechtes Gewissen."),
         "es": ("Dos peques, un perro y cero horas de sueño.", "Crianza respetuosa sin culpa.")},
        {"en": ("a baby carrier", "a toddler balance bike", "reusable nappies", "a white-noise machine", "silicone snack cups"),
         "fr": ("un porte-bébé", "une draisienne", "des couches lavables", "une machine à bruit blanc", "des boîtes à goûter en silicone"),
         "de": ("eine Babytrage", "ein Laufrad", "Stoffwindeln", "eine White-Noise-Maschine", "Snackbecher aus Silikon"),
         "es": ("una mochila portabebés", "una bici sin pedales", "pañales reutilizables", "una máquina de ruido blanco", "vasos de silicona para snacks")},
        {"en": ("toddler tantrums", "baby sleep regressions", "starting solids", "screen time rules", "the first day of school"),
         "fr": ("les colères du tout-petit", "les régressions du sommeil", "la diversification alimentaire", "les règles d'écran", "la rentrée en maternelle"),
         "de": ("Wutanfälle im Kleinkindalter", "Schlafrückschritte beim Baby", "den Beikoststart", "Regeln für Bildschirmzeit", "den ersten Schultag"),
         "es": ("las rabietas", "las regresiones del sueño", "la introducción de sólidos", "las normas de pantallas", "el primer día de cole")},
        ("Pediatrician (MD)", "IBCLC lactation consultant", "Child psychologist (PhD)"), 8,
        (Brand("Little Steps", "littlesteps", ("Balance Bike", "Ergo Baby Carrier")),
         Brand("Nestling", "nestling", ("Dream White-Noise Machine", "Snack Cup Set")),
         Brand("Bloomkid", "bloomkid", ("Reusable Nappy Starter Kit",))),
    ),
    Niche(
        "gaming", 8, ("tech", "music"), 0.27,
        ("plays", "gg", "pixel", "gamer", "noscope", "respawn"),
        ("#gaming", "#gamer", "#twitchstreamer"),
        {"en": ("Cozy games by day, ranked grind by night.", "Speedruns, reviews and bad puns."),
         "fr": ("Jeux cosy le jour, ranked la nuit.", "Speedruns, tests et jeux de mots douteux."),
         "de": ("Cozy Games am Tag, Ranked am Abend.", "Speedruns, Reviews und schlechte Wortwitze."),
         "es": ("Juegos cozy de día, ranked de noche.", "Speedruns, reseñas y chistes malos.")},
        {"en": ("a mechanical keyboard", "a wireless controller", "a streaming microphone", "a 240Hz monitor", "a gaming headset"),
         "fr": ("un clavier mécanique", "une manette sans fil", "un micro de streaming", "un écran 240 Hz", "un casque gaming"),
         "de": ("eine mechanische Tastatur", "ein kabelloser Controller", "ein Streaming-Mikrofon", "ein 240-Hz-Monitor", "ein Gaming-Headset"),
         "es": ("un teclado mecánico", "un mando inalámbrico", "un micrófono para streaming", "un monitor de 240 Hz", "unos auriculares gaming")},
        {"en": ("my setup tour", "the best cozy games of the year", "climbing to diamond rank", "a speedrun attempt", "indie games you missed"),
         "fr": ("la visite de mon setup", "les meilleurs jeux cosy de l'année", "monter en rang diamant", "une tentative de speedrun", "les jeux indé à ne pas rater"),
         "de": ("meine Setup-Tour", "die besten Cozy Games des Jahres", "den Aufstieg auf Diamant", "einen Speedrun-Versuch", "Indie-Spiele, die ihr verpasst habt"),
         "es": ("el tour de mi setup", "los mejores juegos cozy del año", "subir a rango diamante", "un intento de speedrun", "juegos indie que te perdiste")},
        ("Esports performance coach", "Game designer (15 years at AAA studios)"), 1,
        (Brand("PixelForge", "pixelforge", ("Forge TKL Keyboard", "Forge 240Hz Monitor")),
         Brand("Nova Controllers", "novacontrollers", ("Nova Pro Controller",)),
         Brand("Quantum Gear", "quantumgear", ("Q7 Headset", "StreamCast Mic"))),
    ),
    Niche(
        "tech", 7, ("gaming", "fintech", "education"), 0.3,
        ("tech", "gadget", "unboxed", "bytes", "dev", "geek"),
        ("#tech", "#gadgets", "#techreview"),
        {"en": ("Gadget reviews without the spec-sheet fluff.", "Software engineer explaining tech in plain English."),
         "fr": ("Des tests de gadgets sans jargon inutile.", "Développeuse qui explique la tech simplement."),
         "de": ("Gadget-Reviews ohne Datenblatt-Geschwafel.", "Softwareentwickler, der Technik verständlich erklärt."),
         "es": ("Reseñas de gadgets sin palabrería técnica.", "Ingeniera de software explicando tecnología fácil.")},
        {"en": ("noise-cancelling earbuds", "a foldable phone", "a USB-C hub", "a smart home speaker", "an e-ink tablet"),
         "fr": ("des écouteurs à réduction de bruit", "un smartphone pliable", "un hub USB-C", "une enceinte connectée", "une tablette à encre électronique"),
         "de": ("Noise-Cancelling-Earbuds", "ein faltbares Smartphone", "ein USB-C-Hub", "ein smarter Lautsprecher", "ein E-Ink-Tablet"),
         "es": ("unos auriculares con cancelación de ruido", "un móvil plegable", "un hub USB-C", "un altavoz inteligente", "una tableta de tinta electrónica")},
        {"en": ("AI tools for productivity", "my desk setup", "protecting your privacy online", "whether the new phone is worth it", "home automation basics"),
         "fr": ("les outils d'IA pour la productivité", "mon setup de bureau", "protéger sa vie privée en ligne", "si le nouveau smartphone vaut le coup", "les bases de la domotique"),
         "de": ("KI-Tools für mehr Produktivität", "mein Schreibtisch-Setup", "Privatsphäre im Netz schützen", "ob sich das neue Handy lohnt", "Smart-Home-Grundlagen"),
         "es": ("herramientas de IA para la productividad", "mi setup de escritorio", "proteger tu privacidad en internet", "si merece la pena el nuevo móvil", "domótica básica")},
        ("AI researcher (PhD)", "Principal software engineer", "Cybersecurity analyst (CISSP)"), 7,
        (Brand("Orbit Audio", "orbitaudio", ("Orbit Buds Pro", "Orbit Home Speaker")),
         Brand("Voltic", "voltic", ("Voltic 8-in-1 USB-C Hub", "Voltic Power Bank")),
         Brand("Lumen Labs", "lumenlabs", ("Lumen Ink Tablet",))),
    ),
    Niche(
        "personal finance", 5, ("fintech", "education"), 0.5,
        ("money", "budget", "frugal", "invest", "wealth", "cents"),
        ("#personalfinance", "#budgeting", "#investing"),
        {"en": ("Paid off $48k of debt; now teaching you how.", "Budgeting and index funds, explained simply."),
         "fr": ("J'ai remboursé 40 000 € de dettes, je vous montre comment.", "Budget et ETF expliqués simplement."),
         "de": ("40.000 € Schulden getilgt – ich zeige euch wie.", "Budget und ETFs einfach erklärt."),
         "es": ("Pagué 40.000 € de deudas y te enseño cómo.", "Presupuesto y fondos indexados, fácil.")},
        {"en": ("a high-yield savings account", "a budgeting app", "low-cost index funds", "a cash-back credit card", "a retirement account"),
         "fr": ("un livret d'épargne", "une appli de budget", "des ETF à frais réduits", "une carte de crédit avec cashback", "un plan d'épargne retraite"),
         "de": ("ein Tagesgeldkonto", "eine Budget-App", "günstige ETFs", "eine Kreditkarte mit Cashback", "ein Altersvorsorgedepot"),
         "es": ("una cuenta de ahorro remunerada", "una app de presupuesto", "fondos indexados de bajo coste", "una tarjeta con cashback", "un plan de pensiones")},
        {"en": ("the 50/30/20 budget", "building an emergency fund", "paying off debt", "investing your first $1,000", "salary negotiation"),
         "fr": ("la règle du 50/30/20", "constituer une épargne de précaution", "rembourser ses dettes", "investir ses 1 000 premiers euros", "négocier son salaire"),
         "de": ("die 50/30/20-Regel", "einen Notgroschen aufbauen", "Schulden abbauen", "die ersten 1.000 € investieren", "Gehaltsverhandlung"),
         "es": ("la regla 50/30/20", "crear un fondo de emergencia", "salir de deudas", "invertir tus primeros 1.000 €", "negociar tu sueldo")},
        ("Certified Financial Planner (CFP)", "Chartered accountant (ACA)"), 7,
        (Brand("Finwise", "finwise", ("Finwise Savings", "Finwise Budget Planner")),
         Brand("Coinpath", "coinpath", ("Coinpath Invest",)),
         Brand("Budgetly", "budgetly", ("Budgetly Premium",))),
    ),
    Niche(
        "fintech", 3, ("personal finance", "tech"), 0.32,
        ("fintech", "payments", "ledger", "neobank", "capital"),
        ("#fintech", "#payments", "#openbanking"),
        {"en": ("Payments, open banking and the future of money.", "Breaking down fintech earnings every week."),
         "fr": ("Paiements, open banking et l'avenir de l'argent.", "J'analyse les résultats des fintechs chaque semaine."),
         "de": ("Payments, Open Banking und die Zukunft des Geldes.", "Jede Woche Fintech-Zahlen, verständlich erklärt."),
         "es": ("Pagos, open banking y el futuro del dinero.", "Analizo los resultados de las fintech cada semana.")},
        {"en": ("a neobank account", "a buy-now-pay-later service", "an open-banking app", "a robo-advisor", "real-time payments"),
         "fr": ("un compte en néobanque", "un service de paiement fractionné", "une appli d'open banking", "un robo-advisor", "les paiements instantanés"),
         "de": ("ein Neobank-Konto", "ein Buy-now-pay-later-Dienst", "eine Open-Banking-App", "ein Robo-Advisor", "Echtzeitzahlungen"),
         "es": ("una cuenta en un neobanco", "un servicio de pago aplazado", "una app de open banking", "un roboadvisor", "los pagos instantáneos")},
        {"en": ("stablecoin regulation", "embedded finance", "the digital euro", "fintech valuations", "fraud in instant payments"),
         "fr": ("la régulation des stablecoins", "la finance embarquée", "l'euro numérique", "les valorisations des fintechs", "la fraude aux virements instantanés"),
         "de": ("die Regulierung von Stablecoins", "Embedded Finance", "den digitalen Euro", "Fintech-Bewertungen", "Betrug bei Echtzeitüberweisungen"),
         "es": ("la regulación de las stablecoins", "las finanzas integradas", "el euro digital", "las valoraciones de las fintech", "el fraude en pagos instantáneos")},
        ("CFA charterholder, fintech analyst", "Payments industry analyst", "Former bank CTO"), 8,
        (Brand("Finwise", "finwise", ("Finwise App", "Finwise Card")),
         Brand("LedgerLoop", "ledgerloop", ("LedgerLoop Business",)),
         Brand("Payverse", "payverse", ("Payverse Instant",))),
    ),
    Niche(
        "health", 5, ("fitness", "nutrition", "wellness"), 0.66,
        ("health", "wellbeing", "heart", "doc", "vital"),
        ("#health", "#hearthealth", "#healthtips"),
        {"en": ("Health myths, debunked with evidence.", "Sleep, stress and heart health, explained."),
         "fr": ("Les idées reçues santé, démontées preuves à l'appui.", "Sommeil, stress et santé du cœur, expliqués."),
         "de": ("Gesundheitsmythen, mit Evidenz entlarvt.", "Schlaf, Stress und Herzgesundheit erklärt."),
         "es": ("Mitos de salud desmontados con evidencia.", "Sueño, estrés y salud cardiovascular, explicados.")},
        {"en": ("a blood pressure monitor", "a sleep tracker", "omega-3 supplements", "a standing desk", "a vitamin D supplement"),
         "fr": ("un tensiomètre", "un tracker de sommeil", "des compléments d'oméga-3", "un bureau assis-debout", "un complément de vitamine D"),
         "de": ("ein Blutdruckmessgerät", "ein Schlaftracker", "Omega-3-Kapseln", "ein Stehschreibtisch", "ein Vitamin-D-Präparat"),
         "es": ("un tensiómetro", "un monitor de sueño", "suplementos de omega-3", "un escritorio elevable", "un suplemento de vitamina D")},
        {"en": ("lowering blood pressure", "sleep hygiene", "cholesterol myths", "stress and your heart", "annual check-ups"),
         "fr": ("faire baisser sa tension", "l'hygiène du sommeil", "les idées reçues sur le cholestérol", "le stress et le cœur", "le bilan de santé annuel"),
         "de": ("den Blutdruck senken", "Schlafhygiene", "Cholesterin-Mythen", "Stress und das Herz", "den jährlichen Check-up"),
         "es": ("bajar la tensión arterial", "la higiene del sueño", "los mitos del colesterol", "el estrés y el corazón", "la revisión médica anual")},
        ("Cardiologist (MD)", "General practitioner (MD)", "Clinical psychologist (PsyD)", "Endocrinologist (MD)"), 14,
        (Brand("CardioTrack", "cardiotrack", ("CardioTrack BP Monitor", "CardioTrack Ring")),
         Brand("Medly Health", "medlyhealth", ("Medly Omega-3", "Medly Vitamin D3")),
         Brand("Sanova", "sanova", ("Sanova Sleep Tracker",))),
    ),
    Niche(
        "home & decor", 6, ("sustainability", "food", "fashion"), 0.8,
        ("home", "nest", "interiors", "decor", "cozy", "casa"),
        ("#homedecor", "#interiordesign", "#homeinspo"),
        {"en": ("Rental-friendly makeovers and thrifted furniture.", "Small-space living, big ideas."),
         "fr": ("Relooking d'appart en location et meubles chinés.", "Petits espaces, grandes idées."),
         "de": ("Mietwohnungs-Makeovers und Flohmarktmöbel.", "Kleine Räume, große Ideen."),
         "es": ("Reformas low cost para pisos de alquiler y muebles vintage.", "Espacios pequeños, grandes ideas.")},
        {"en": ("a linen duvet cover", "a rattan pendant light", "peel-and-stick wallpaper", "a wool rug", "a modular sofa"),
         "fr": ("une housse de couette en lin", "une suspension en rotin", "du papier peint adhésif", "un tapis en laine", "un canapé modulable"),
         "de": ("ein Leinenbettbezug", "eine Rattan-Pendelleuchte", "selbstklebende Tapete", "ein Wollteppich", "ein modulares Sofa"),
         "es": ("una funda nórdica de lino", "una lámpara de ratán", "papel pintado adhesivo", "una alfombra de lana", "un sofá modular")},
        {"en": ("a small living-room makeover", "styling a bookshelf", "renter-friendly upgrades", "a cosy autumn bedroom", "decluttering the kitchen"),
         "fr": ("relooker un petit salon", "décorer une bibliothèque", "des améliorations pour locataires", "une chambre cosy pour l'automne", "désencombrer la cuisine"),
         "de": ("ein kleines Wohnzimmer-Makeover", "ein Bücherregal dekorieren", "Upgrades für Mietwohnungen", "ein gemütliches Herbst-Schlafzimmer", "die Küche entrümpeln"),
         "es": ("renovar un salón pequeño", "decorar una estantería", "mejoras para pisos de alquiler", "un dormitorio acogedor para otoño", "ordenar la cocina")},
        ("Licensed architect", "Interior designer (BIID)"), 2,
        (Brand("Nordhem Living", "nordhemliving", ("Linen Duvet Set", "Wool Throw", "Rattan Pendant")),
         Brand("Terracotta & Co", "terracottaco", ("Terracotta Planter Set",)),
         Brand("Hearthly", "hearthly", ("Soy Candle Trio",))),
    ),
    Niche(
        "pets", 5, ("home & decor", "parenting"), 0.72,
        ("paws", "pup", "woof", "kitty", "tails", "furry"),
        ("#dogsofinstagram", "#catsofinstagram", "#petcare"),
        {"en": ("Life with a rescue greyhound and two chaotic cats.", "Dog training tips, one treat at a time."),
         "fr": ("La vie avec un lévrier adopté et deux chats chaotiques.", "Des astuces d'éducation canine, une friandise à la fois."),
         "de": ("Leben mit einem Windhund aus dem Tierschutz und zwei chaotischen Katzen.", "Hundetraining, ein Leckerli nach dem anderen."),
         "es": ("La vida con un galgo adoptado y dos gatos caóticos.", "Consejos de adiestramiento, premio a premio.")},
        {"en": ("grain-free dog food", "a GPS pet tracker", "a cat water fountain", "an orthopaedic dog bed", "puzzle feeders"),
         "fr": ("des croquettes sans céréales", "un traceur GPS pour chien", "une fontaine à eau pour chat", "un panier orthopédique", "des gamelles puzzle"),
         "de": ("getreidefreies Hundefutter", "ein GPS-Tracker für Haustiere", "ein Katzenbrunnen", "ein orthopädisches Hundebett", "Futterspiele"),
         "es": ("pienso sin cereales", "un localizador GPS para mascotas", "una fuente de agua para gatos", "una cama ortopédica para perros", "comederos interactivos")},
        {"en": ("recall training", "adopting a senior dog", "introducing a new cat", "dog anxiety", "pet dental care"),
         "fr": ("le rappel du chien", "adopter un chien senior", "présenter un nouveau chat", "l'anxiété du chien", "l'hygiène dentaire des animaux"),
         "de": ("Rückruftraining", "einen Seniorhund adoptieren", "eine neue Katze eingewöhnen", "Angst beim Hund", "Zahnpflege bei Haustieren"),
         "es": ("enseñar la llamada", "adoptar un perro senior", "presentar un gato nuevo", "la ansiedad canina", "la higiene dental de mascotas")},
        ("Veterinarian (DVM)", "Certified animal behaviourist"), 4,
        (Brand("Tailwise", "tailwise", ("Tailwise Salmon Kibble", "Tailwise GPS Tag")),
         Brand("Pawprint Pantry", "pawprintpantry", ("Puzzle Feeder", "Dental Chews")),
         Brand("Happy Paws Co", "happypawsco", ("Ortho Dog Bed",))),
    ),
    Niche(
        "sustainability", 4, ("home & decor", "fashion", "food"), 0.7,
        ("green", "eco", "zerowaste", "planet", "slow"),
        ("#sustainability", "#zerowaste", "#sustainableliving"),
        {"en": ("Low-waste living without the perfectionism.", "Climate facts and small swaps that add up."),
         "fr": ("Le zéro déchet sans perfectionnisme.", "Faits climatiques et petits gestes qui comptent."),
         "de": ("Zero Waste ohne Perfektionismus.", "Klimafakten und kleine Schritte, die zählen."),
         "es": ("Vida residuo cero sin perfeccionismo.", "Datos del clima y pequeños cambios que suman.")},
        {"en": ("refillable cleaning products", "a compost bin", "beeswax wraps", "a refurbished laptop", "solid shampoo"),
         "fr": ("des produits ménagers rechargeables", "un composteur", "des bee wraps", "un ordinateur reconditionné", "un shampooing solide"),
         "de": ("nachfüllbare Putzmittel", "ein Komposteimer", "Bienenwachstücher", "ein refurbished Laptop", "festes Shampoo"),
         "es": ("productos de limpieza recargables", "un compostador", "envoltorios de cera de abeja", "un portátil reacondicionado", "champú sólido")},
        {"en": ("a zero-waste kitchen", "fast fashion's footprint", "composting in a flat", "greenwashing red flags", "repairing instead of replacing"),
         "fr": ("une cuisine zéro déchet", "l'empreinte de la fast fashion", "composter en appartement", "repérer le greenwashing", "réparer plutôt que remplacer"),
         "de": ("eine Zero-Waste-Küche", "den Fußabdruck von Fast Fashion", "Kompostieren in der Wohnung", "Greenwashing erkennen", "reparieren statt ersetzen"),
         "es": ("una cocina residuo cero", "la huella de la moda rápida", "compostar en un piso", "detectar el greenwashing", "reparar en vez de tirar")},
        ("Climate scientist (PhD)", "Circular-economy consultant"), 4,
        (Brand("EcoLoop", "ecoloop", ("Refill Cleaning Kit", "Compost Caddy")),
         Brand("Refillery", "refillery", ("Solid Shampoo Bar",)),
         Brand("Seedling Goods", "seedlinggoods", ("Beeswax Wrap Set",))),
    ),
    Niche(
        "music", 5, ("gaming", "education"), 0.46,
        ("music", "beats", "keys", "strings", "sound", "tunes"),
        ("#music", "#musician", "#newmusic"),
        {"en": ("Singer-songwriter, covers on Fridays.", "Producer making beats from a tiny bedroom studio."),
         "fr": ("Autrice-compositrice, reprises le vendredi.", "Producteur de beats dans un petit home studio."),
         "de": ("Singer-Songwriterin, Covers jeden Freitag.", "Produzent, Beats aus dem Schlafzimmerstudio."),
         "es": ("Cantautora, versiones cada viernes.", "Productor haciendo beats en un estudio diminuto.")},
        {"en": ("studio monitor headphones", "a MIDI keyboard", "an audio interface", "an acoustic guitar", "a condenser microphone"),
         "fr": ("un casque de monitoring", "un clavier MIDI", "une interface audio", "une guitare acoustique", "un micro à condensateur"),
         "de": ("Studio-Kopfhörer", "ein MIDI-Keyboard", "ein Audio-Interface", "eine Akustikgitarre", "ein Kondensatormikrofon"),
         "es": ("unos auriculares de estudio", "un teclado MIDI", "una interfaz de audio", "una guitarra acústica", "un micrófono de condensador")},
        {"en": ("writing a song in an hour", "home recording on a budget", "learning guitar as an adult", "my new single", "music theory basics"),
         "fr": ("écrire une chanson en une heure", "enregistrer chez soi à petit prix", "apprendre la guitare adulte", "mon nouveau single", "les bases du solfège"),
         "de": ("einen Song in einer Stunde schreiben", "Homerecording mit kleinem Budget", "Gitarre lernen als Erwachsener", "meine neue Single", "Grundlagen der Musiktheorie"),
         "es": ("componer una canción en una hora", "grabar en casa con poco dinero", "aprender guitarra de adulto", "mi nuevo single", "teoría musical básica")},
        ("Music therapist (MT-BC)", "Professor of music, conservatory-trained pianist"), 1,
        (Brand("Echo Strings", "echostrings", ("Echo Acoustic Guitar",)),
         Brand("Tempo Audio", "tempoaudio", ("Tempo Studio Headphones", "Tempo USB Interface")),
         Brand("Riffwell", "riffwell", ("Riffwell Lessons App",))),
    ),
    Niche(
        "education", 4, ("parenting", "tech", "personal finance"), 0.6,
        ("learn", "study", "teach", "classroom", "notes"),
        ("#studytips", "#edtech", "#learnontiktok"),
        {"en": ("Study tips from a teacher who has seen it all.", "Making hard subjects feel easy."),
         "fr": ("Méthodes de travail par une prof qui a tout vu.", "Rendre les matières difficiles faciles."),
         "de": ("Lerntipps von einer Lehrerin, die alles gesehen hat.", "Schwierige Fächer einfach gemacht."),
         "es": ("Técnicas de estudio de una profe que lo ha visto todo.", "Haciendo fáciles las asignaturas difíciles.")},
        {"en": ("a flashcard app", "a digital planner", "an online language course", "noise-cancelling headphones for studying", "a smart pen"),
         "fr": ("une appli de flashcards", "un agenda numérique", "un cours de langue en ligne", "un casque anti-bruit pour réviser", "un stylo connecté"),
         "de": ("eine Karteikarten-App", "ein digitaler Planer", "ein Online-Sprachkurs", "Noise-Cancelling-Kopfhörer zum Lernen", "ein smarter Stift"),
         "es": ("una app de tarjetas de memoria", "una agenda digital", "un curso de idiomas online", "auriculares antirruido para estudiar", "un bolígrafo inteligente")},
        {"en": ("active recall", "exam season stress", "learning a language in 6 months", "the Pomodoro technique", "note-taking methods"),
         "fr": ("la mémorisation active", "le stress des examens", "apprendre une langue en 6 mois", "la méthode Pomodoro", "les méthodes de prise de notes"),
         "de": ("aktives Erinnern", "Prüfungsstress", "eine Sprache in 6 Monaten lernen", "die Pomodoro-Technik", "Methoden zum Mitschreiben"),
         "es": ("el recuerdo activo", "el estrés de los exámenes", "aprender un idioma en 6 meses", "la técnica Pomodoro", "métodos para tomar apuntes")},
        ("Professor of education (PhD)", "Certified teacher (M.Ed.)"), 4,
        (Brand("Learnly", "learnly", ("Learnly Flashcards", "Learnly Languages")),
         Brand("BrightPath", "brightpath", ("BrightPath Planner",)),
         Brand("Quizzy", "quizzy", ("Quizzy Pro",))),
    ),
    Niche(
        "wellness", 5, ("health", "fitness", "skincare"), 0.78,
        ("calm", "mindful", "balance", "breathe", "soul"),
        ("#wellness", "#selfcare", "#mindfulness"),
        {"en": ("Slow mornings, yoga and gentle routines.", "Mindfulness for people who can't sit still."),
         "fr": ("Matins tranquilles, yoga et routines douces.", "La pleine conscience pour ceux qui ne tiennent pas en place."),
         "de": ("Langsame Morgen, Yoga und sanfte Routinen.", "Achtsamkeit für Menschen, die nicht stillsitzen können."),
         "es": ("Mañanas lentas, yoga y rutinas suaves.", "Mindfulness para quien no puede estarse quieto.")},
        {"en": ("a yoga mat", "a meditation app", "an aromatherapy diffuser", "a weighted blanket", "herbal tea"),
         "fr": ("un tapis de yoga", "une appli de méditation", "un diffuseur d'huiles essentielles", "une couverture lestée", "une tisane"),
         "de": ("eine Yogamatte", "eine Meditations-App", "ein Aroma-Diffusor", "eine Gewichtsdecke", "Kräutertee"),
         "es": ("una esterilla de yoga", "una app de meditación", "un difusor de aromas", "una manta con peso", "una infusión")},
        {"en": ("a slow morning routine", "breathwork for anxiety", "journaling prompts", "a digital detox weekend", "yoga for beginners"),
         "fr": ("une routine du matin tout en douceur", "la respiration contre l'anxiété", "des idées pour écrire son journal", "un week-end de détox digitale", "le yoga pour débutants"),
         "de": ("eine entspannte Morgenroutine", "Atemübungen gegen Angst", "Journaling-Impulse", "ein Digital-Detox-Wochenende", "Yoga für Anfänger"),
         "es": ("una rutina de mañana tranquila", "la respiración para la ansiedad", "ideas para escribir un diario", "un fin de semana de desconexión digital", "yoga para principiantes")},
        ("Clinical psychologist (PsyD)", "Certified yoga therapist (C-IAYT)"), 3,
        (Brand("Stillwater", "stillwaterwellness", ("Stillwater Meditation App", "Weighted Blanket")),
         Brand("Aroma & Oak", "aromaandoak", ("Aroma Diffuser", "Calm Blend Oil"))),
    ),
)}

NICHE_NAMES: tuple[str, ...] = tuple(NICHES)


def niche_terms(niche: str) -> tuple[str, ...]:
    """Every phrase that generated captions about ``niche`` draw on (products, topics in all
    languages, hashtags, brands' products): a caption about the niche contains one of them."""
    n = NICHES[niche]
    terms: list[str] = list(n.hashtags)
    for lang in CAPTION_LANGUAGES:
        terms += n.products[lang] + n.topics[lang]
    for b in n.brands:
        terms += b.products
    return tuple(terms)


# --------------------------------------------------------------------------------------------
# Caption and bio templates. Slots: {product} {topic} {city} {brand} {brand_handle} {n}
# {hashtags}. Every caption template names a {product} or a {topic}, so captions always
# carry vocabulary of the creator's niche.
# --------------------------------------------------------------------------------------------

CAPTIONS: dict[str, tuple[str, ...]] = {
    "en": (
        "My honest take on {product} after 30 days. Worth the hype? {hashtags}",
        "3 things nobody tells you about {topic} 👇 {hashtags}",
        "Sunday reset in {city}: {topic}, coffee and zero notifications. {hashtags}",
        "Q&A time! You asked about {topic} — answers in the comments. {hashtags}",
        "Tried {product} so you don't have to. Full review in my stories. {hashtags}",
        "Beginner's guide to {topic}. Save this for later! {hashtags}",
        "Restocked {product} for the third time. That says it all. {hashtags}",
        "The mistake I made with {topic} for years (and how I fixed it). {hashtags}",
        "Day {n} of sharing what I've learned about {topic}. {hashtags}",
        "Is {product} worth it? Pros, cons and who it's really for. {hashtags}",
        "A little update from {city} — plus my thoughts on {topic}. {hashtags}",
        "Unpopular opinion: you don't need {product} to get started with {topic}. {hashtags}",
    ),
    "fr": (
        "Mon avis honnête sur {product} après 30 jours. Ça vaut le coup ? {hashtags}",
        "3 choses qu'on ne vous dit jamais sur {topic} 👇 {hashtags}",
        "Dimanche tranquille à {city} : {topic}, café et zéro notification. {hashtags}",
        "Session questions ! Vous m'avez posé plein de questions sur {topic} — réponses en commentaire. {hashtags}",
        "J'ai testé {product} pour vous. Le test complet en story. {hashtags}",
        "Le guide débutant pour {topic}. Enregistrez ce post ! {hashtags}",
        "Troisième fois que je rachète {product}. Tout est dit. {hashtags}",
        "L'erreur que j'ai faite pendant des années avec {topic} (et comment je l'ai corrigée). {hashtags}",
        "Jour {n} : ce que j'ai appris sur {topic}. {hashtags}",
        "{product} : ça vaut vraiment le prix ? Les plus, les moins, et pour qui. {hashtags}",
        "Petites nouvelles de {city}, et mon avis sur {topic}. {hashtags}",
        "Avis impopulaire : pas besoin de {product} pour se lancer dans {topic}. {hashtags}",
    ),
    "de": (
        "{product} nach 30 Tagen: mein ehrliches Fazit. Lohnt sich der Hype? {hashtags}",
        "3 Dinge, die dir keiner sagt – Thema: {topic} 👇 {hashtags}",
        "Sonntags-Reset in {city} ☕ Heute geht es um: {topic}. {hashtags}",
        "Fragerunde! Eure Fragen zum Thema „{topic}“ – Antworten in den Kommentaren. {hashtags}",
        "Getestet, damit ihr es nicht müsst: {product}. Das ganze Review in der Story. {hashtags}",
        "Anfänger-Guide: {topic}. Speichern nicht vergessen! {hashtags}",
        "Zum dritten Mal nachgekauft: {product}. Mehr muss ich nicht sagen. {hashtags}",
        "Der Fehler, den ich jahrelang gemacht habe – Thema: {topic} (und wie ich ihn behoben habe). {hashtags}",
        "Tag {n}: Was ich gelernt habe – heute: {topic}. {hashtags}",
        "{product}: Lohnt sich das? Vorteile, Nachteile und für wen es passt. {hashtags}",
        "Kleines Update aus {city} – und meine Gedanken zum Thema „{topic}“. {hashtags}",
        "Unpopuläre Meinung zum Thema „{topic}“: Nicht alles, was alle haben, braucht man wirklich – auch nicht {product}. {hashtags}",
    ),
    "es": (
        "Mi opinión sincera sobre {product} tras 30 días. ¿Merece la pena? {hashtags}",
        "3 cosas que nadie te cuenta sobre {topic} 👇 {hashtags}",
        "Domingo de desconexión en {city}: {topic}, café y cero notificaciones. {hashtags}",
        "¡Ronda de preguntas! Me preguntasteis por {topic}: respuestas en comentarios. {hashtags}",
        "Probé {product} para que no tengas que hacerlo. Reseña completa en stories. {hashtags}",
        "Guía para principiantes: {topic}. ¡Guárdalo para luego! {hashtags}",
        "Tercera vez que compro {product}. No hace falta decir más. {hashtags}",
        "El error que cometí durante años con {topic} (y cómo lo arreglé). {hashtags}",
        "Día {n} contando lo que he aprendido sobre {topic}. {hashtags}",
        "¿Vale la pena {product}? Pros, contras y para quién es. {hashtags}",
        "Un pequeño resumen desde {city}, y lo que pienso sobre {topic}. {hashtags}",
        "Opinión impopular: no necesitas {product} para empezar con {topic}. {hashtags}",
    ),
}

SPONSORED_CAPTIONS: dict[str, tuple[str, ...]] = {
    "en": (
        "#ad Loving the new {product} from @{brand_handle} — makes {topic} so much easier. {hashtags}",
        "Partnered with {brand} to show you my take on {topic} with their {product}. #sponsored {hashtags}",
        "#ad {brand}'s {product} has been in my bag all month. Code in bio! {hashtags}",
        "Paid partnership with @{brand_handle}: putting {product} to the test. {hashtags}",
    ),
    "fr": (
        "#partenariat Je craque pour {product} de @{brand_handle}, parfait pour {topic}. {hashtags}",
        "En collaboration avec {brand} pour vous parler de {topic} avec {product}. #publicité {hashtags}",
        "#publicité {product} de {brand} ne quitte plus mon sac depuis un mois. Code en bio ! {hashtags}",
        "Partenariat rémunéré avec @{brand_handle} : j'ai testé {product}. {hashtags}",
    ),
    "de": (
        "#anzeige Neu in meiner Routine: {product} von @{brand_handle}. Thema heute: {topic}. {hashtags}",
        "In Kooperation mit {brand}: So nutze ich {product} – Thema: {topic}. #werbung {hashtags}",
        "#werbung {product} von {brand} ist seit einem Monat immer dabei. Code in der Bio! {hashtags}",
        "Bezahlte Partnerschaft mit @{brand_handle}: {product} im Test. {hashtags}",
    ),
    "es": (
        "#publi Me encanta el nuevo {product} de @{brand_handle}: {topic} mucho más fácil. {hashtags}",
        "En colaboración con {brand} para hablar de {topic} con su {product}. #publicidad {hashtags}",
        "#publi {product} de {brand} lleva un mes en mi bolso. ¡Código en la bio! {hashtags}",
        "Colaboración pagada con @{brand_handle}: pongo a prueba {product}. {hashtags}",
    ),
}

# KOLs write about their field (clinic, research, analysis) rather than hauls.
KOL_CAPTIONS: dict[str, tuple[str, ...]] = {
    "en": (
        "In clinic this week, three people asked me about {topic}. Here is what the evidence says.",
        "New episode: {topic} — what the research actually shows, and what it doesn't.",
        "A short thread on {topic}, for anyone who keeps seeing conflicting advice.",
        "I get asked about {product} a lot. My professional view, without the marketing.",
        "Spoke at a conference in {city} today about {topic}. Slides in the comments.",
        "Five questions to ask before buying {product}.",
        "New on the blog: a plain-language guide to {topic}.",
        "The most common misconception about {topic} I see in my work.",
    ),
    "fr": (
        "Cette semaine, trois patients m'ont parlé de {topic}. Voici ce que disent les études.",
        "Nouvel épisode : {topic}, ce que la recherche montre vraiment (et ce qu'elle ne montre pas).",
        "Un petit point sur {topic}, pour ceux qui lisent tout et son contraire.",
        "On me pose souvent la question de {product}. Mon avis de professionnel, sans marketing.",
        "Conférence à {city} aujourd'hui sur {topic}. Les slides en commentaire.",
        "Cinq questions à se poser avant d'acheter {product}.",
        "Nouveau sur le blog : un guide clair sur {topic}.",
        "L'idée reçue la plus fréquente sur {topic} dans mon métier.",
    ),
    "de": (
        "Diese Woche kam in der Praxis dreimal dieselbe Frage – Thema: {topic}. Das sagt die Studienlage.",
        "Neue Folge: {topic} – was die Forschung wirklich zeigt und was nicht.",
        "Ein kurzer Überblick zum Thema „{topic}“ für alle, die ständig widersprüchliche Tipps lesen.",
        "Häufige Frage: {product} – ja oder nein? Meine fachliche Einschätzung, ohne Marketing.",
        "Heute Vortrag auf einer Konferenz in {city} – Thema: {topic}. Folien in den Kommentaren.",
        "Fünf Fragen vor dem Kauf: {product}.",
        "Neu im Blog: ein verständlicher Leitfaden – {topic}.",
        "Das häufigste Missverständnis zum Thema „{topic}“, das mir im Beruf begegnet.",
    ),
    "es": (
        "Esta semana tres pacientes me preguntaron por {topic}. Esto dice la evidencia.",
        "Nuevo episodio: {topic}, lo que la investigación demuestra y lo que no.",
        "Un breve resumen sobre {topic} para quien lee consejos contradictorios.",
        "Me preguntan mucho por {product}. Mi opinión profesional, sin marketing.",
        "Hoy hablé en un congreso en {city} sobre {topic}. Diapositivas en comentarios.",
        "Cinco preguntas antes de comprar {product}.",
        "Nuevo en el blog: una guía clara sobre {topic}.",
        "El malentendido más común sobre {topic} que veo en mi trabajo.",
    ),
}

COLLAB_PHRASE: dict[str, str] = {"en": "Collabs:", "fr": "Collabs :", "de": "Kooperationen:", "es": "Colaboraciones:"}

# Platforms each kind of creator tends to be on (weights for the primary account).
INFLUENCER_PLATFORMS: dict[str, float] = {
    "instagram": 40, "tiktok": 26, "youtube": 15, "facebook": 9, "blog": 5, "podcast": 3, "linkedin": 2,
}
KOL_PLATFORMS: dict[str, float] = {
    "linkedin": 34, "youtube": 18, "blog": 16, "podcast": 15, "instagram": 12, "tiktok": 3, "facebook": 2,
}
# Followers on some platforms run smaller than on Instagram/TikTok for the same reach.
PLATFORM_FOLLOWER_FACTOR: dict[str, float] = {
    "instagram": 1.0, "tiktok": 1.4, "youtube": 0.8, "facebook": 0.9, "linkedin": 0.45, "blog": 0.25, "podcast": 0.3,
}
# Engagement typically differs by platform (TikTok high, Facebook/LinkedIn low).
PLATFORM_ER_FACTOR: dict[str, float] = {
    "instagram": 1.0, "tiktok": 1.5, "youtube": 0.7, "facebook": 0.45, "linkedin": 0.8, "blog": 0.5, "podcast": 0.6,
}
# Views per follower per post (stories/reels/videos/pages/listens).
PLATFORM_VIEW_FACTOR: dict[str, float] = {
    "instagram": 0.35, "tiktok": 1.6, "youtube": 0.9, "facebook": 0.25, "linkedin": 0.5, "blog": 1.8, "podcast": 0.9,
}
# Share of 18-34 year-olds in the audience, by platform.
PLATFORM_YOUNG_PCT: dict[str, float] = {
    "instagram": 0.62, "tiktok": 0.72, "youtube": 0.55, "facebook": 0.32, "linkedin": 0.46, "blog": 0.4, "podcast": 0.5,
}

CARRIERS: dict[str, tuple[str, ...]] = {
    "US": ("UPS", "USPS", "FedEx"), "GB": ("Royal Mail", "DPD"), "FR": ("Colissimo", "Chronopost"),
    "DE": ("DHL", "Hermes"), "ES": ("Correos", "SEUR"), "*": ("DHL Express", "FedEx", "UPS"),
}
