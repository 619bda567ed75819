"""Phrasebook of the offline writer: en, fr, de, es (anything else falls back to English).

Each message is assembled from interchangeable parts (greeting, an opener that cites the
post, a bridge to the brand, the ask, a sign-off). Several variants per part, chosen
deterministically per creator, make two creators' emails read differently while the same
creator always gets the same draft. Formal texts use the polite form (vous / Sie / usted);
casual ones the familiar form where the language has one.

Placeholders: {first} {name} {noun} {date} {topic} {brand} {campaign} {brief} {pct} {code}
{sender} {subject} {handle} {topic_short}.
"""

from __future__ import annotations

from typing import Any

MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"],
}

DATE_FORMAT = {"en": "{d} {month}", "fr": "{d} {month}", "de": "{d}. {month}", "es": "{d} de {month}"}

# What a post is called, by platform.
NOUNS = {
    "en": {"youtube": "video", "tiktok": "video", "podcast": "episode", "blog": "article", "linkedin": "post",
           "twitch": "stream", "default": "post"},
    "fr": {"youtube": "vidéo", "tiktok": "vidéo", "podcast": "épisode", "blog": "article", "twitch": "live",
           "default": "post"},
    "de": {"youtube": "Video", "tiktok": "Video", "podcast": "Podcast", "blog": "Artikel", "twitch": "Stream",
           "default": "Post"},
    "es": {"youtube": "vídeo", "tiktok": "vídeo", "podcast": "episodio", "blog": "artículo", "twitch": "directo",
           "default": "publicación"},
}

# Per language and register ("formal" | "casual").
PHRASES: dict[str, dict[str, dict[str, Any]]] = {
    "en": {
        "casual": {
            "greet": ["Hi {first},", "Hey {first}!", "Hello {first},"],
            "open": [
                "I loved your {noun} from {date} about “{topic}”.",
                "Your {noun} on {date} (“{topic}”) really stuck with me.",
                "I came across your {noun} about “{topic}” from {date} and had to reach out.",
            ],
            "bridge": [
                "It's exactly the kind of content we had in mind at {brand}.",
                "It made me think of {brand} straight away.",
                "That's very much the spirit of what we're doing at {brand}.",
            ],
            "brief": "We're preparing {campaign}: {brief}",
            "ask": [
                "Would you be up for a paid collaboration with us?",
                "Would you be open to working together on it?",
                "Could I send you the details?",
            ],
            "close": ["Cheers,", "Talk soon,", "Best,"],
            "subject": ["{brand} × {first}: a collab idea", "Loved your {noun} on {topic_short}", "A collaboration idea for @{handle}"],
            "code": "Your audience would get {pct}% off with the code {code}.",
            "code_generic": "Your audience would also get a {pct}% discount code.",
            "code_nopct": "Your audience would also get a discount with the code {code}.",
            "dm_ask": "Up for a collab with {brand}?",
            "followup": [
                "Just bringing my note about {campaign} back to the top of your inbox. After your {noun} about “{topic}”, we'd really love to have you on board. Interested?",
                "One last note from me: if {campaign} isn't a fit right now, no worries at all. If it is, just reply and I'll send the details.",
            ],
        },
        "formal": {
            "greet": ["Dear {name},", "Hello {name},"],
            "open": [
                "I greatly enjoyed your {noun} of {date} about “{topic}”.",
                "Your {noun} published on {date}, “{topic}”, caught our attention.",
                "I am writing after reading your {noun} about “{topic}” from {date}.",
            ],
            "bridge": [
                "It aligns closely with what we are building at {brand}.",
                "It reflects the values of {brand} remarkably well.",
                "It is precisely the perspective {brand} is looking for.",
            ],
            "brief": "We are preparing {campaign}: {brief}",
            "ask": [
                "Would you be open to a paid collaboration?",
                "Would you consider working with us on this campaign?",
                "May I send you the details of the collaboration?",
            ],
            "close": ["Kind regards,", "Best regards,", "With best wishes,"],
            "subject": ["Collaboration proposal from {brand}", "{brand}: your {noun} on {topic_short}", "Partnership enquiry for @{handle}"],
            "code": "Your audience would receive {pct}% off with the code {code}.",
            "code_generic": "Your audience would also receive a {pct}% discount code.",
            "code_nopct": "Your audience would also receive a discount with the code {code}.",
            "dm_ask": "Would you be open to a collaboration with {brand}?",
            "followup": [
                "I am following up on my previous email about {campaign}. Your {noun} about “{topic}” is exactly why we thought of you, and we would be delighted to work together.",
                "Please allow me one last note: should {campaign} not suit you at the moment, I fully understand. If it does, a short reply is all it takes and I will send the details.",
            ],
        },
    },
    "fr": {
        "casual": {
            "greet": ["Bonjour {first},", "Salut {first} !", "Hello {first},"],
            "open": [
                "J'ai adoré votre {noun} du {date} sur « {topic} ».",
                "Votre {noun} du {date} (« {topic} ») m'a beaucoup plu.",
                "Je suis tombé sur votre {noun} « {topic} » du {date} et je tenais à vous écrire.",
            ],
            "bridge": [
                "C'est exactement l'esprit de {brand}.",
                "J'ai tout de suite pensé à {brand}.",
                "C'est tout à fait ce que nous aimons chez {brand}.",
            ],
            "brief": "Nous préparons {campaign} : {brief}",
            "ask": [
                "Seriez-vous partant(e) pour une collaboration rémunérée ?",
                "Auriez-vous envie de travailler avec nous ?",
                "Puis-je vous envoyer les détails ?",
            ],
            "close": ["À bientôt,", "Belle journée,", "Bien à vous,"],
            "subject": ["{brand} × {first} : une idée de collab", "Votre {noun} sur {topic_short}", "Une proposition pour @{handle}"],
            "code": "Votre communauté profiterait de {pct} % de réduction avec le code {code}.",
            "code_generic": "Votre communauté profiterait aussi d'un code de réduction de {pct} %.",
            "code_nopct": "Votre communauté profiterait aussi d'une réduction avec le code {code}.",
            "dm_ask": "Une collab avec {brand}, ça vous tente ?",
            "followup": [
                "Je me permets de remonter mon message au sujet de {campaign}. Après votre {noun} sur « {topic} », nous aimerions vraiment travailler avec vous. Qu'en dites-vous ?",
                "Un dernier petit mot : si {campaign} ne vous convient pas pour le moment, aucun souci. Sinon, répondez simplement à ce message et je vous envoie les détails.",
            ],
        },
        "formal": {
            "greet": ["Bonjour {name},", "Madame, Monsieur,"],
            "open": [
                "J'ai beaucoup apprécié votre {noun} du {date} sur « {topic} ».",
                "Votre {noun} du {date}, « {topic} », a retenu toute notre attention.",
                "Je vous écris après avoir découvert votre {noun} « {topic} » du {date}.",
            ],
            "bridge": [
                "Ce contenu correspond parfaitement aux valeurs de {brand}.",
                "Ce sujet rejoint pleinement la démarche de {brand}.",
                "C'est précisément le regard que {brand} recherche.",
            ],
            "brief": "Nous préparons {campaign} : {brief}",
            "ask": [
                "Seriez-vous ouvert(e) à une collaboration rémunérée ?",
                "Accepteriez-vous d'envisager un partenariat pour cette campagne ?",
                "Me permettez-vous de vous en présenter les détails ?",
            ],
            "close": ["Bien cordialement,", "Avec mes salutations distinguées,", "Cordialement,"],
            "subject": ["Proposition de collaboration – {brand}", "{brand} : votre {noun} sur {topic_short}", "Demande de partenariat pour @{handle}"],
            "code": "Votre audience bénéficierait de {pct} % de réduction avec le code {code}.",
            "code_generic": "Votre audience bénéficierait également d'un code de réduction de {pct} %.",
            "code_nopct": "Votre audience bénéficierait également d'une réduction avec le code {code}.",
            "dm_ask": "Seriez-vous ouvert(e) à une collaboration avec {brand} ?",
            "followup": [
                "Je me permets de revenir vers vous au sujet de mon précédent message concernant {campaign}. Votre {noun} sur « {topic} » est précisément la raison pour laquelle nous avons pensé à vous.",
                "Permettez-moi un dernier message : si {campaign} ne vous convient pas actuellement, je le comprends tout à fait. Dans le cas contraire, une courte réponse suffit et je vous transmettrai les détails.",
            ],
        },
    },
    "de": {
        "casual": {
            "greet": ["Hallo {first},", "Hi {first}!", "Hey {first},"],
            "open": [
                "Dein {noun} vom {date} über „{topic}“ hat mir richtig gut gefallen.",
                "Ich bin auf dein {noun} „{topic}“ vom {date} gestoßen und musste dir einfach schreiben.",
                "Dein {noun} vom {date} („{topic}“) ist mir im Kopf geblieben.",
            ],
            "bridge": [
                "Das passt perfekt zu {brand}.",
                "Da musste ich sofort an {brand} denken.",
                "Genau diesen Spirit suchen wir bei {brand}.",
            ],
            "brief": "Wir planen gerade {campaign}: {brief}",
            "ask": [
                "Hättest du Lust auf eine bezahlte Kooperation?",
                "Wärst du für eine Zusammenarbeit offen?",
                "Darf ich dir die Details schicken?",
            ],
            "close": ["Viele Grüße,", "Liebe Grüße,", "Bis bald,"],
            "subject": ["{brand} × {first}: eine Kooperationsidee", "Dein {noun} zu {topic_short}", "Kooperationsidee für @{handle}"],
            "code": "Deine Community bekäme mit dem Code {code} {pct} % Rabatt.",
            "code_generic": "Deine Community bekäme außerdem einen Rabattcode über {pct} %.",
            "code_nopct": "Deine Community bekäme außerdem Rabatt mit dem Code {code}.",
            "dm_ask": "Lust auf eine Kooperation mit {brand}?",
            "followup": [
                "Ich hole meine Nachricht zu {campaign} noch einmal nach oben. Nach deinem {noun} über „{topic}“ würden wir wirklich gern mit dir arbeiten. Hast du Interesse?",
                "Eine letzte Nachricht von mir: Falls {campaign} gerade nicht passt, ist das völlig okay. Falls doch, antworte einfach und ich schicke dir die Details.",
            ],
        },
        "formal": {
            "greet": ["Guten Tag {name},", "Sehr geehrte Damen und Herren,"],
            "open": [
                "Ihr {noun} vom {date} über „{topic}“ hat uns sehr gefallen.",
                "Mit großem Interesse habe ich Ihr {noun} „{topic}“ vom {date} gesehen.",
                "Ich schreibe Ihnen, nachdem ich Ihr {noun} vom {date} („{topic}“) entdeckt habe.",
            ],
            "bridge": [
                "Es passt hervorragend zu den Werten von {brand}.",
                "Genau diese Perspektive sucht {brand}.",
                "Es spiegelt sehr gut wider, wofür {brand} steht.",
            ],
            "brief": "Wir bereiten derzeit {campaign} vor: {brief}",
            "ask": [
                "Wären Sie an einer bezahlten Zusammenarbeit interessiert?",
                "Könnten Sie sich eine Kooperation für diese Kampagne vorstellen?",
                "Darf ich Ihnen die Einzelheiten zusenden?",
            ],
            "close": ["Mit freundlichen Grüßen,", "Freundliche Grüße,", "Beste Grüße,"],
            "subject": ["Kooperationsanfrage von {brand}", "{brand}: Ihr {noun} zu {topic_short}", "Partnerschaftsanfrage für @{handle}"],
            "code": "Ihre Community erhielte mit dem Code {code} {pct} % Rabatt.",
            "code_generic": "Ihre Community erhielte außerdem einen Rabattcode über {pct} %.",
            "code_nopct": "Ihre Community erhielte außerdem Rabatt mit dem Code {code}.",
            "dm_ask": "Wären Sie an einer Kooperation mit {brand} interessiert?",
            "followup": [
                "Ich erlaube mir, an meine vorherige Nachricht zu {campaign} zu erinnern. Ihr {noun} über „{topic}“ ist genau der Grund, weshalb wir an Sie gedacht haben.",
                "Gestatten Sie mir eine letzte Nachricht: Sollte {campaign} derzeit nicht passen, habe ich volles Verständnis. Andernfalls genügt eine kurze Antwort, und ich sende Ihnen die Einzelheiten.",
            ],
        },
    },
    "es": {
        "casual": {
            "greet": ["¡Hola, {first}!", "Hola {first},", "¡Hey, {first}!"],
            "open": [
                "Me encantó tu {noun} del {date} sobre «{topic}».",
                "Vi tu {noun} «{topic}» del {date} y tenía que escribirte.",
                "No me puedo quitar de la cabeza tu {noun} del {date} («{topic}»).",
            ],
            "bridge": [
                "Encaja perfectamente con {brand}.",
                "Enseguida pensé en {brand}.",
                "Es justo el espíritu que buscamos en {brand}.",
            ],
            "brief": "Estamos preparando {campaign}: {brief}",
            "ask": [
                "¿Te apetecería una colaboración pagada con nosotros?",
                "¿Te animarías a trabajar con nosotros?",
                "¿Te puedo enviar los detalles?",
            ],
            "close": ["¡Un abrazo!", "Saludos,", "¡Hablamos!"],
            "subject": ["{brand} × {first}: una idea de colaboración", "Tu {noun} sobre {topic_short}", "Propuesta de colaboración para @{handle}"],
            "code": "Tu comunidad tendría un {pct} % de descuento con el código {code}.",
            "code_generic": "Tu comunidad tendría además un código de descuento del {pct} %.",
            "code_nopct": "Tu comunidad tendría además un descuento con el código {code}.",
            "dm_ask": "¿Te apetece colaborar con {brand}?",
            "followup": [
                "Te escribo de nuevo sobre {campaign}. Después de tu {noun} sobre «{topic}», nos encantaría trabajar contigo. ¿Te interesa?",
                "Un último mensaje: si {campaign} no encaja ahora mismo, no pasa nada. Si te interesa, responde a este correo y te envío los detalles.",
            ],
        },
        "formal": {
            "greet": ["Estimado/a {name}:", "Buenos días, {name}:"],
            "open": [
                "Nos gustó mucho su {noun} del {date} sobre «{topic}».",
                "Su {noun} del {date}, «{topic}», llamó nuestra atención.",
                "Le escribo tras descubrir su {noun} «{topic}» del {date}.",
            ],
            "bridge": [
                "Encaja de lleno con los valores de {brand}.",
                "Es precisamente la perspectiva que busca {brand}.",
                "Refleja muy bien lo que representa {brand}.",
            ],
            "brief": "Estamos preparando {campaign}: {brief}",
            "ask": [
                "¿Estaría interesado/a en una colaboración remunerada?",
                "¿Consideraría colaborar con nosotros en esta campaña?",
                "¿Me permite enviarle los detalles?",
            ],
            "close": ["Atentamente,", "Un cordial saludo,", "Saludos cordiales,"],
            "subject": ["Propuesta de colaboración de {brand}", "{brand}: su {noun} sobre {topic_short}", "Solicitud de colaboración para @{handle}"],
            "code": "Su audiencia obtendría un {pct} % de descuento con el código {code}.",
            "code_generic": "Su audiencia obtendría además un código de descuento del {pct} %.",
            "code_nopct": "Su audiencia obtendría además un descuento con el código {code}.",
            "dm_ask": "¿Le interesaría colaborar con {brand}?",
            "followup": [
                "Me permito retomar mi mensaje anterior sobre {campaign}. Su {noun} sobre «{topic}» es precisamente el motivo por el que pensamos en usted.",
                "Permítame un último mensaje: si {campaign} no le encaja en este momento, lo entiendo perfectamente. De lo contrario, basta con una breve respuesta y le enviaré los detalles.",
            ],
        },
    },
}

# One line added under every email when it is sent (an opt-out people can act on).
FOOTER = {
    "en": "Not interested? Reply “unsubscribe” and we won't write again.",
    "fr": "Pas intéressé(e) ? Répondez « désabonner » et nous ne vous écrirons plus.",
    "de": "Kein Interesse? Antworte bzw. antworten Sie mit „abmelden“, dann schreiben wir nicht mehr.",
    "es": "¿No le interesa? Responda «baja» y no volveremos a escribir.",
}

FOLLOWUP_SUBJECT_PREFIX = {"en": "Re: ", "fr": "Re : ", "de": "Re: ", "es": "Re: "}

SUPPORTED = tuple(PHRASES)
FORMAL_TONES = {"formal", "professional", "corporate", "polite", "respectful", "serious", "business"}


def lang_of(code: str | None) -> str:
    """The phrasebook language for an ISO 639-1 code (``fr-CA`` → fr); English otherwise."""
    base = (code or "en").strip().lower().replace("_", "-").split("-")[0]
    return base if base in PHRASES else "en"


def register_of(tone: str | None) -> str:
    """Map a campaign's free-text tone to the phrasebook register."""
    return "formal" if (tone or "").strip().lower() in FORMAL_TONES else "casual"


def format_date(day: Any, lang: str) -> str:
    """12 March / 12 mars / 12. März / 12 de marzo."""
    lang = lang_of(lang)
    return DATE_FORMAT[lang].format(d=day.day, month=MONTHS[lang][day.month - 1])


def noun_for(platform: str, lang: str) -> str:
    table = NOUNS[lang_of(lang)]
    return table.get((platform or "").lower(), table["default"])
