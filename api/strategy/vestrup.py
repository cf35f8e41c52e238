"""Vestrup Skole's antimobbestrategi (the project's seed text), split into the sections Trivsel keeps.

It is the demo school's version 1, and its response section ("Hvad gør vi helt konkret, hvis vi konstaterer
mobning eller digital mobning?") is the default wording of the five audiences for a school that has not
written its own."""

from __future__ import annotations

from datetime import date

TITLE = "Antimobbestrategi for Vestrup Skole"

PURPOSE = """Hvad er formålet med vores antimobbestrategi?

Alle elever på Vestrup Skole skal være glade for at gå på skolen.
Alle elever på Vestrup Skole skal føle, at de er værdsat.
Alle elever på Vestrup Skole skal kunne føle sig trygge i skolens fællesskab.

En antimobbestrategi skal bruges til at forebygge/forhindre mobning.
En antimobbestrategi skal fortælle os, hvad vi skal gøre, hvis vi alligevel oplever mobning blandt eleverne."""

DEFINITIONS = """Trivsel?
Elevrådet formulerer trivsel på denne måde: Når man trives i skolen, er man glad for at gå i skole: man har \
gode venner, og man lærer noget i timerne.
Et barns gode relationer til voksne og til de andre børn i skolen er uden tvivl vigtigt for at barnet trives og \
udvikler sig personligt og fagligt i skolen.

Mobning? Og hvordan adskiller det sig fra konflikter?
Elevrådet sondrer således: Konflikter er f.eks. når man spontant kommer op og skændes om noget. Mobning er ofte \
planlagt, og noget der gentager sig.
Det er dertil vigtigt, at voksne taler med børnene om forskellen på drilleri og mobning."""

DIGITAL_BULLYING = """Digital mobning er, hvis man, for at genere en anden, skriver noget grimt, spreder falske \
rygter eller deler kompromitterende billeder på sociale medier eller andre steder på internettet. Det er også \
digital mobning, hvis man truer med at gøre det. Negligering kan også opleves som mobning.

Forældrene skal være opmærksomme på digital mobning, da det mest foregår uden for skoletiden.
Konstaterer vi digital mobning, handler vi over for de samme fem målgrupper som ved anden mobning."""

PREVENTION = """Hvad gør vi for at fremme elevernes generelle trivsel og modvirke mobning, herunder digital mobning?

Skolens personale: Vi lytter og vi handler. Vi taler med og om hinanden med respekt. Vi gør os umage med at være \
gode rollemodeller. Vi arrangerer trivselsdage, hvor vi arbejder på tværs af årgange og hold. Vi bestræber os på \
at arbejde forebyggende i alle fag og i alle sammenhænge.

Eleverne: Vi taler meget med eleverne. Vi laver lege-makker-aftaler. I UUV arbejdes der med social træning \
f.eks. med "Girafsprog og ulvesprog".

Forældrene: Det er vigtigt, at forældre taler ordentligt med og om børn – også andre forældres børn. Det er \
vigtigt, at forældrene over for børnene er loyale i forhold til skolen. Det er vigtigt, at forældre henvender sig \
til skolen, hvis de oplever, der er problemer. Det er ønskeligt, at forældre taler med hinanden om evt. problemer \
mellem deres børn.

Elever og personale imellem: Det er godt at lave noget andet end det daglige skolearbejde sammen. Det er bedst, \
hvis man kan undgå at skælde ud. De voksne skal være iagttagende og nærværende. Humor kan være en isbryder og \
fremme den gode relation.

Eleverne imellem: Det er godt med trivselsdage, andre arrangementer og fælles aktiviteter, hvor alle elever \
mødes på tværs af årgange og hold. Vi har tradition for at afvikle trivselsdage, temadage, udflugter, koncerter \
mm. Disse aktiviteter fremmer forståelsen og sammenholdet blandt skolens elever.

Ledelsens rolle: Vi må med jævne mellemrum sætte mobning og digital mobning på dagsordenen. Vi må i \
medarbejdergruppen kontinuerligt søge information om - og sparring på - temaerne. Vi søger den nyeste viden på \
området. Vi søger hjælp og sparring ved CPP's inklusionsvejledere. Skolens værdiregelsæt og antimobbestrategi \
gælder også i SFO'en."""

DETECTION = """Hvordan sikrer vi løbende, at vi opdager mobning, digital mobning eller mistrivsel hos elever?

- Personalet skal tale med eleverne om, hvordan de har det. (Holdsamtaler, elevsamtaler mm.)
- Personalet skal opfordre eleverne til at tale om evt. mobning og mistrivsel. Personalet skal også opfordre \
dem, der har opført sig dårligt over for en kammerat, til at stå ved det og fortælle det til en voksen.
- Det er godt med spørgeskemaundersøgelser.
- Personalet taler med hinanden om elevernes trivsel.
- Forældre skal på forældremøde drøfte og forholde sig til skolens antimobbestrategi.
- Forældrene skal være opmærksomme på digital mobning, da det mest foregår uden for skoletiden."""

INTERVENTION = """Hvordan griber vi ind, hvis vi oplever mistrivsel hos én eller flere elever?

- Vi skal tale med eleverne om det, de oplever.
- Vi skal inddrage forældrene.
- Vi skal bruge anerkendte pædagogiske værktøjer, f.eks. struktur, visualisering osv.
- Vi skal søge hjælp og sparring hos vore eksterne samarbejdspartnere: skolepsykolog, inklusionskonsulent, \
SSP-ungeteam-konsulent, tværfagligt forum o.a.
- Vi kan også søge viden og inspiration f.eks. ved Børns Vilkår.

Elever og personale: Man må tale med hinanden om problemerne.
Elever: En voksen skal undersøge, hvad der er problemet. Det er en god idé at tage eleverne ind til en snak om, \
hvad det er, der sker.

Hvis værdiregelsættet og antimobbestrategien ikke overholdes: Den eller de, der misligholder dem, skal hurtigst \
muligt gøres opmærksom på det og skal vide, at de forventes at gå i dialog om det skete. Lederen skal altid \
orienteres/involveres."""

# The five audiences, in the strategy's order, in its own words.
RESPONSE: tuple[tuple[str, str], ...] = (
    ("students", "Vi konfronterer eleverne med vores viden og handler med afsæt i den konkrete sag."),
    (
        "class",
        "Afhængigt af situationen orienterer vi, eller inddrager vi, resten af gruppen i problematikken.",
    ),
    (
        "parents",
        "Vi kontakter forældrene. Vi etablerer muligvis et møde, hvor relevante forældre kan tale med hinanden "
        "om problemerne. Antimobbestrategien bør være et fast punkt på dagsordenen til alle forældremøder.",
    ),
    (
        "staff",
        "Vi orienterer hinanden. Vi beskriver problemerne i elevloggen. Vi bruger hinanden til sparring.",
    ),
    (
        "leadership",
        "Skolelederen orienteres, hvis vi får viden om mobning eller digital mobning. Skolelederen følger og "
        "støtter arbejdet med problemstillingen.",
    ),
)

ADOPTED_BY = "Skolebestyrelsen"
ADOPTED_ON = date(2025, 8, 1)


def default_response() -> list[dict[str, str]]:
    """The five audiences as a new version's response section, in Vestrup's words."""
    return [{"audience": a, "text": t} for a, t in RESPONSE]


def version_one() -> dict:
    """Vestrup Skole's strategy as the data of a version."""
    return {
        "title": TITLE,
        "purpose": PURPOSE,
        "definitions": DEFINITIONS,
        "prevention": PREVENTION,
        "detection": DETECTION,
        "intervention": INTERVENTION,
        "digital_bullying": DIGITAL_BULLYING,
        "response": default_response(),
        "adopted_by": ADOPTED_BY,
        "adopted_on": ADOPTED_ON,
        "applies_from": ADOPTED_ON,
    }
