#!/usr/bin/env python3
"""Writes reject_generated.txt and pass_generated.txt beside this file:
patient identifiers and operational texts made from templates, in the
variants staff and PCs really produce (letter case, separators, look-alike
letters, zero-width and no-break characters, full-width digits, escapes,
Spanish/French/German wording). Deterministic (fixed seed): run it again
after editing a template and commit both files.

The names here are typed by hand, not taken from the screen's own lists
(src/phi/data), so the corpus measures the lists rather than echoing them.
"""
import random
from pathlib import Path

R = random.Random(15)
HERE = Path(__file__).resolve().parent

FIRST = """John Mary Robert Patricia Michael Jennifer William Linda David Elizabeth
James Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Maria Jose
Juan Carmen Luis Ana Carlos Rosa Miguel Lucia Hans Ingrid Klaus Ursula Jurgen Petra
Pierre Camille Sophie Jean Francois Amelie Giulia Marco Wei Mei Hiroshi Yuki Priya
Rahul Fatima Mohammed Aisha Omar Olga Dmitri Anastasia Sean Siobhan Kwame Ngozi
Chidi Thanh Linh Minh Jorge Isabel Raul Dolores Alejandra Guadalupe Tyrone Keisha
DeShawn Latoya Ethan Olivia Noah Emma Liam Ava Lucas Mia Kevin Brenda Gary Donna""".split()
LAST = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez
Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee
Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen
King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera
Campbell Mitchell Carter Roberts Muller Schmidt Schneider Fischer Weber Meyer Wagner
Becker Dubois Durand Lefebvre Moreau Laurent Bernard Rossi Russo Ferrari Esposito
Kowalski Nowak Ivanov Petrov Okafor Adeyemi Mensah Patel Shah Singh Kumar Chen Wang
Li Zhang Liu Kim Park Choi Tanaka Suzuki Sato OBrien Murphy Kelly Sullivan Walsh""".split()

def cap(s): return s[:1].upper() + s[1:].lower()
def d(n): return "".join(R.choice("0123456789") for _ in range(n))
def nz(n): return R.choice("123456789") + d(n - 1)
def pick(xs): return R.choice(xs)

MONTHS = {"en": "January February March April May June July August September "
          "October November December".split(),
          "es": "enero febrero marzo abril mayo junio julio agosto septiembre "
          "octubre noviembre diciembre".split(),
          "fr": "janvier février mars avril mai juin juillet août septembre "
          "octobre novembre décembre".split(),
          "de": "Januar Februar März April Mai Juni Juli August September "
          "Oktober November Dezember".split()}

def old_date():
    y, m, dd = R.randint(1925, 1995), R.randint(1, 12), R.randint(1, 28)
    yy = f"{y % 100:02d}"
    mon = MONTHS["en"][m - 1]
    forms = [f"{m:02d}/{dd:02d}/{y}", f"{m}/{dd}/{y}", f"{dd:02d}.{m:02d}.{y}",
             f"{y}-{m:02d}-{dd:02d}", f"{m}-{dd}-{yy}", f"{dd}/{m}/{yy}",
             f"{mon} {dd}, {y}", f"{mon[:3]} {dd} {y}", f"{dd} {mon} {y}",
             f"{dd} {mon[:3]} {yy}", f"{mon} {dd}th, {y}", f"{dd}-{mon[:3]}-{yy}",
             f"{m:02d} {dd:02d} {y}", f"{m:02d}{dd:02d}{y}", f"the {dd}th of {mon} {y}"]
    return pick(forms)

def recent_date():
    y, m, dd = R.randint(2023, 2026), R.randint(1, 12), R.randint(1, 28)
    mon = MONTHS["en"][m - 1]
    return pick([f"{y}-{m:02d}-{dd:02d}", f"{m:02d}/{dd:02d}/{y}", f"{mon} {dd}, {y}",
                 f"{dd} {mon[:3]} {y}", f"{dd}.{m:02d}.{y}"])

def ssn():
    a, b, c = nz(3), d(2), d(4)
    sep = pick(["-", ".", "/", " ", "\u2013", "\u2011", "\u00a0", "-"])
    return f"{a}{sep}{b}{sep}{c}"

def phone():
    a, b, c = nz(3), nz(3), d(4)
    return pick([f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"{a}/{b}/{c}",
                 f"{a} {b} {c}", f"1-{a}-{b}-{c}", f"+1 {a} {b} {c}",
                 f"{a}\u2011{b}\u2011{c}", f"{a}\u00a0{b}\u00a0{c}",
                 f"+44 20 {d(4)} {d(4)}", f"+49 30 {d(6)} {d(2)}",
                 f"+33 1 {d(2)} {d(2)} {d(2)} {d(2)}", f"+34 91 {d(3)} {d(2)} {d(2)}",
                 f"0044 20 {d(4)} {d(4)}", f"020 {d(4)} {d(4)}",
                 f"0{R.randint(1, 9)} {d(2)} {d(2)} {d(2)} {d(2)}"])

def name():
    return pick(FIRST), pick(LAST)

PHI = []
def phi(*texts): PHI.extend(texts)

for _ in range(60):
    f, l = name()
    n = R.randint(1, 40)
    phi(pick([f"Patient {f} {l} waiting in room {n}", f"pt {f.lower()} {l.lower()} in bay {n}",
              f"PATIENT: {f.upper()} {l.upper()}", f"Patient {l.upper()} needs escort",
              f"Mrs {l} asked for the {n}pm transport", f"Mr. {l} in bay {n} since 10:05",
              f"{l}, {f} - results ready", f"{l.upper()}, {f.upper()} room {n}",
              f"Name: {f} {l}", f"patient name is {l}, call when ready",
              f"next of kin {f} {l} called the desk", f"bed {n}: {f[0]}. {l}",
              f"Pt {l} wheelchair requested", f"{f} {l} left without being seen",
              f"Paciente {f} {l} en sala {n}", f"la paciente {l} espera en admisión",
              f"Herr {l} wartet am Empfang", f"Frau {l} in Zimmer {n}",
              f"Mme {l} attend au guichet {n}", f"M. et Mme {l} à l'accueil",
              f"Sra. {l} necesita silla de ruedas", f"patient: {f} {l}",
              f"resident {f} {l} fell near the lift", f"client {l} asked about wait",
              f"Ms {l} called about results", f"wife {f} called for {l}",
              f"{f.lower()} {l.lower()} results ready", f"Board: Pt {l} ready for pickup"]))
for _ in range(40):
    cue = pick(["SSN", "ssn:", "SSN#", "Social security", "soc sec", "SS no.", "NSS",
                "numéro de sécurité sociale", "Sozialversicherungsnummer"])
    phi(pick([f"{cue} {ssn()} on intake form", f"verify {cue} {nz(9)} before billing",
              f"form with {ssn()} left at front desk", f"{cue}: {d(3)} {d(2)} {d(4)}",
              f"{cue} ending {d(4)} read aloud"]))
for _ in range(50):
    cue = pick(["Call", "call", "phone", "Tel", "fax", "Fax", "cell", "mobile", "callback",
                "reach family at", "contact", "llamar al", "teléfono", "appeler le",
                "Telefon", "whatsapp", "text"])
    phi(pick([f"{cue} {phone()} when ready", f"{cue} {nz(10)} re: appointment",
              f"family asked to be called on {phone()}", f"{cue}: {phone()}",
              f"{cue} {nz(3)}-{d(4)} about transport"]))
for _ in range(50):
    cue = pick(["MRN", "M.R.N.", "mrn:", "MR#", "Medical record", "chart no.", "Chart #",
                "acct", "Account #", "member ID", "Member no.", "Medicare", "Medicaid",
                "policy number", "Patient ID", "pt id", "DL#", "driver's license",
                "licence no.", "NHS number", "health plan", "encounter", "Subscriber ID",
                "historia clínica", "número de expediente", "n° de dossier", "Patientennummer",
                "Versichertennummer"])
    num = pick([d(7), nz(8), f"A{d(7)}", f"{d(4)}-{d(4)}", f"XZP{d(8)}", d(6)])
    phi(pick([f"{cue} {num} needs relabel", f"{cue}: {num}", f"{cue} {num} flagged by pharmacy",
              f"scan {cue} {num} into queue {R.randint(1, 9)}"]))
for _ in range(15):
    mbi = f"{R.randint(1, 9)}{pick('ACDEFGHJKMNPQRTUVWXY')}{pick('ACDEFGHJK0123456789')}{d(1)}" \
          f"{pick('ACDEFGHJKMNPQRTUVWXY')}{pick('ACDEFGHJK0123456789')}{d(1)}" \
          f"{pick('ACDEFGHJKMNPQRTUVWXY')}{pick('ACDEFGHJKMNPQRTUVWXY')}{d(2)}"
    phi(pick([f"Medicare card {mbi[:4]}-{mbi[4:7]}-{mbi[7:]}", f"MBI {mbi}", f"card shows {mbi}"]))
for _ in range(70):
    cue = pick(["DOB", "dob:", "D.O.B.", "Date of birth", "born", "Born on", "birthdate",
                "b-day", "DOD", "died", "date of death", "fecha de nacimiento", "nacido el",
                "né le", "date de naissance", "geboren am", "Geburtsdatum", "deceased"])
    phi(pick([f"{cue} {old_date()} on the wristband", f"{cue} {old_date()}",
              f"label shows {cue} {old_date()}", f"{old_date()} ({cue}) printed"]))
for _ in range(20):
    y, m, dd = R.randint(2024, 2026), R.randint(1, 12), R.randint(1, 28)
    mon = MONTHS[pick(["en", "es", "fr", "de"])][m - 1]
    cue = pick(["admitted", "admission date", "Discharged", "discharge date", "d/c date",
                "fecha de ingreso", "dado de alta el", "date de sortie", "Aufnahmedatum",
                "entlassen am"])
    phi(pick([f"{cue} {m}/{dd}", f"{cue} {dd} {mon} {y}", f"{cue}: {y}-{m:02d}-{dd:02d}"]))
for _ in range(25):
    a = R.randint(90, 104)
    phi(pick([f"patient is {a} years old", f"{a} y/o female in bay {R.randint(1, 9)}",
              f"age {a}, needs escort", f"{a}-year-old in room {R.randint(1, 30)}",
              f"aged {a}", f"paciente de {a} años", f"patiente de {a} ans",
              f"{a} Jahre alt, Zimmer {R.randint(1, 9)}", f"{a}yo waiting", f"{a} yrs old"]))
for _ in range(30):
    f, l = name()
    host = pick(["gmail.com", "yahoo.com", "outlook.com", "aol.com", "hotmail.co.uk",
                 "web.de", "orange.fr", "icloud.com", "clinic-north.net"])
    local = pick([f"{f}.{l}".lower(), f"{f[0]}{l}".lower(), f"{l}{d(2)}".lower(),
                  f"{f}_{l}{d(4)}".lower()])
    phi(pick([f"send results to {local}@{host}", f"{local}\uff20{host}",
              f"email {local} at {host.replace('.', ' dot ')}", f"{local} [at] {host}",
              f"Bounce from {local}@{host} in error log", f"contact: {local}@{host}"]))
for _ in range(25):
    n = R.randint(1, 9999)
    st = pick(["Main St", "Oak Avenue", "Elm Street", "Maple Dr", "Cedar Ln", "Pine Road",
               "Washington Blvd", "Lake Shore Dr", "Sunset Boulevard", "Park Ave"])
    phi(pick([f"lives at {n} {st}", f"home address {n} {st}, apt 4", f"{n} {st}, Springfield",
              f"Calle Mayor {R.randint(1, 99)}, Madrid", f"{R.randint(1, 99)} rue de la Paix",
              f"Hauptstraße {R.randint(1, 99)}", f"Berliner Str. {R.randint(1, 99)}",
              f"zip {d(5)}", f"ZIP code {d(5)}-{d(4)}", f"postcode SW1A 1AA", f"PLZ {d(5)}"]))
for _ in range(15):
    f, l = name()
    phi(pick([f"https://emr.example.org/patients/{d(6)}", f"http://portal.local/chart?mrn={d(7)}",
              f"see https://records.example.com/patient/{f.lower()}-{l.lower()}",
              f"www.example.org/people/{l.lower()}", f"https://x.org/view?name={l}"]))

CYR = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "i": "і",
       "A": "А", "E": "Е", "O": "О", "P": "Р", "C": "С", "T": "Т", "M": "М", "H": "Н"}
FULL = {str(k): chr(0xFF10 + k) for k in range(10)}

def variant(s):
    v = R.randint(0, 7)
    if "\\" in s and v < 2:	# escapes keep their letter case
        v = 2
    if v == 0: return s.lower()
    if v == 1: return s.upper()
    if v == 2:		# a zero-width space inside the first word
        k = max(1, min(3, len(s.split(" ")[0]) - 1))
        return s[:k] + "\u200b" + s[k:]
    if v == 3: return "".join(CYR.get(c, c) if R.random() < 0.5 else c for c in s)
    if v == 4: return "".join(FULL.get(c, c) for c in s)
    if v == 5: return s.replace(" ", "\u00a0", 2)
    if v == 6: return s.replace(" ", "\\t", 1)
    return s.replace(" ", "\u00ad ", 1)

# ---------------------------------------------------------------- operational
OPS = []
def ops(*texts): OPS.extend(texts)
DEV = lambda: pick(["Fridge", "fridge", "Freezer", "Vaccine fridge", "Incubator", "FRZ",
                    "Blood bank fridge", "Pharmacy fridge", "Lab freezer", "Nevera",
                    "Kühlschrank", "Réfrigérateur"])
def temp(): return f"{R.choice(['', '-'])}{R.randint(0, 40)}.{R.randint(0, 9)}"
for _ in range(70):
    n = R.randint(1, 30)
    ops(pick([f"{DEV()} {n} at {temp()}C, range 2-8C", f"{DEV()} {n} door open {R.randint(1, 59)} min",
              f"{DEV()} {n} excursion {temp()} C for {R.randint(2, 90)} min at {R.randint(0, 23):02d}:{R.randint(0, 59):02d}",
              f"{DEV()} F-{n} at {temp()} °C within -25 to -15", f"Defrost cycle on {DEV().lower()} {n} ran {recent_date()}",
              f"{DEV()} {n} probe replaced, reads {temp()}C", f"{DEV()} {n} back in range at {temp()}C",
              f"Temp log for {DEV().lower()} {n} exported for inspection", f"{DEV()} {n} alarm acknowledged by night shift",
              f"Power blip at {R.randint(0, 23):02d}:{R.randint(0, 59):02d}, {DEV().lower()} {n} recovered",
              f"Nevera {n} a {temp()} °C, fuera de rango", f"Kühlschrank {n} Tür offen seit {R.randint(2, 50)} Min",
              f"Réfrigérateur {n} alarme à {temp()} °C", f"{DEV()} {n} humidity {R.randint(20, 90)}%"]))
for _ in range(50):
    q = pick(["Lab", "Pharmacy", "Front desk", "Radiology", "Registration", "Queue A", "Queue B",
              "Walk-in", "Triage", "Blood draw", "Vaccination", "Imaging", "Cola de espera",
              "Warteschlange", "File d'attente"])
    ops(pick([f"{q} queue {R.randint(0, 60)} waiting, {R.randint(0, 120)} min average wait",
              f"{q} backed up, call extra staff", f"{q} wait now {R.randint(1, 90)} min",
              f"{q} closed {R.randint(11, 14)}:00-{R.randint(14, 15)}:00 for lunch",
              f"{q} kiosk {R.randint(1, 6)} out of tickets", f"{q} line {R.randint(1, 4)} reopened",
              f"Patient flow meeting about {q.lower()} at {R.randint(8, 17)}:00",
              f"patient count {R.randint(1, 80)} in {q.lower()} waiting area",
              f"{q}: {R.randint(1, 40)} people, {R.randint(1, 60)} min"]))
for _ in range(60):
    n = R.randint(1, 400)
    ops(pick([f"Room {n} bed {R.randint(1, 4)} needs cleaning", f"Bay {R.randint(1, 20)} call light stuck on",
              f"Escort needed from bay {R.randint(1, 20)} to radiology", f"Wheelchair left in room {n}",
              f"Patient transport delayed {R.randint(5, 60)} min", f"Patient portal down since {R.randint(6, 20)}:00",
              f"Patient lift in room {n} due for service", f"Pt call system reset in ward {R.randint(1, 9)}",
              f"Restock gloves and gowns in room {n}", f"Spill in corridor near room {n}, housekeeping called",
              f"Door {R.randint(1, 40)} badge reader offline", f"Ward {R.randint(1, 9)} linen delivery late",
              f"Bed {R.randint(1, 40)} mattress pump alarm", f"Ice machine on level {R.randint(1, 6)} leaking",
              f"Elevator {R.randint(1, 4)} out of service until {R.randint(12, 18)}:00",
              f"Night shift handover done at {R.randint(6, 8)}:00", f"Dr on call paged for room {n}",
              f"Meals for ward {R.randint(1, 9)} arrived {R.randint(5, 40)} min late",
              f"Habitación {n} necesita limpieza", f"Zimmer {n} Bett {R.randint(1, 4)} frei",
              f"Chambre {n} lit {R.randint(1, 2)} à nettoyer", f"Patient education board in room {n} updated"]))
for _ in range(60):
    ops(pick([f"Lot {d(7)} of insulin moved to fridge {R.randint(1, 9)}", f"Order {nz(8)} delivered to pharmacy",
              f"Invoice INV-{R.randint(2023, 2026)}-{d(5)} paid", f"PO {nz(6)} partially received",
              f"Batch B-{d(4)} quarantined", f"Lot #{d(6)} expires {recent_date()}",
              f"Shipment {nz(10)} tracking delayed", f"Order #{d(7)} cancelled by supplier",
              f"Vaccine lot {pick('ABCDEFGH')}{d(5)} received {recent_date()}",
              f"Reagent kit {d(8)} calibrated", f"Requisition {nz(9)} approved",
              f"Work order WO-{d(6)} closed", f"Ticket INC{d(7)} opened with IT",
              f"Asset tag {d(8)} moved to ward {R.randint(1, 9)}", f"Serial {pick('ABCDEFGH')}{d(9)} registered",
              f"Part number {d(3)}-{d(4)}-{d(2)} on backorder"]))
for _ in range(50):
    v = f"{R.randint(1, 12)}.{R.randint(0, 30)}.{R.randint(0, 99)}"
    ops(pick([f"Client {v} build {d(4)} installed", f"Agent version {v}-beta.{R.randint(1, 9)} rolled out",
              f"Update to {v} failed, rolled back to {v}", f"Windows 10 22H2 build 19045.{d(4)} patched",
              f"Firmware {v} on sensor gateway", f"Chrome {R.randint(100, 130)}.0.{d(4)}.{d(3)} on kiosk {R.randint(1, 9)}",
              f".NET 4.8.{d(4)} required by installer", f"Sync schema v{R.randint(1, 40)} applied",
              f"Release {v} published to beta channel", f"Driver {v} for label printer installed"]))
TRACE = [
    "System.NullReferenceException: Object reference not set to an instance of an object.\\n   at Infosys.Sync.QueueWorker.Run() in C:\\Build\\src\\Sync\\QueueWorker.cs:line {n}",
    "System.IO.IOException: The process cannot access the file 'C:\\ProgramData\\Infosys\\out\\cmd_{n}.dat' because it is being used by another process.",
    "at Infosys.Agent.Daily.Export(String path) in D:\\a\\1\\s\\Agent\\Daily.cs:line {n}\\n   at Infosys.Agent.Program.Main(String[] args)",
    "java.lang.IllegalStateException: queue closed\\n\\tat com.infosys.sync.Poller.poll(Poller.java:{n})\\n\\tat java.base/java.lang.Thread.run(Thread.java:833)",
    "java.net.SocketTimeoutException: Read timed out at com.infosys.http.Client.send(Client.java:{n})",
    "Traceback (most recent call last):\\n  File \"C:\\Program Files\\Infosys\\sync.py\", line {n}, in <module>\\n    main()\\nConnectionResetError: [WinError 10054]",
    "KeyError: 'device' in agent/push.py line {n}",
    "ERROR 2013 (HY000): Lost connection to MySQL server during query at line {n}",
    "Unhandled exception 0xC0000005 at 0x00007FF6{n}A2 in InfosysClient.exe",
    "HRESULT 0x80070005 (E_ACCESSDENIED) writing HKLM\\Software\\Infosys\\Sync at step {n}",
    "curl: (28) Operation timed out after 30000 milliseconds with 0 bytes received (attempt {n})",
    "TLS handshake failed: certificate expired (sync.example.org), retry {n}",
    "Infosys.Data.PatientQueueRepository.Load() failed after {n} ms: timeout",
    "at Infosys.UI.PatientBoard.Refresh() in C:\\src\\UI\\PatientBoard.cs:line {n}",
    "Npgsql.NpgsqlException (0x80004005): Exception while reading from stream at line {n}",
    "SqlException (0x80131904): A network-related error occurred, error {n}",
    "Error: ENOENT: no such file or directory, open 'C:\\Users\\Public\\Infosys\\cache\\{n}.json'",
]
for _ in range(70):
    ops(pick(TRACE).format(n=R.randint(10, 9999)))
for _ in range(50):
    ops(pick([f"C:\\ProgramData\\Infosys\\logs\\sync-{recent_date()}.log is {R.randint(1, 9)}.{R.randint(0, 9)} GB",
              f"\\\\FS0{R.randint(1, 9)}\\Shared\\Lab\\Reports\\daily.xlsx locked by another process",
              f"D:\\Backups\\{recent_date()}\\infosys.bak missing", "%APPDATA%\\Infosys\\settings.ini is read-only",
              f"\\\\NAS{R.randint(1, 3)}\\scans\\inbox has {R.randint(1, 500)} files waiting",
              f"C:\\Users\\Public\\Documents\\Infosys\\export_{d(4)}.csv written",
              f"Mapped drive P: to \\\\srv-files\\pharmacy failed (error {R.randint(50, 1300)})",
              f"C:\\Program Files (x86)\\Infosys\\Client\\InfosysClient.exe.config updated",
              f"Log rotated: /var/log/infosys/agent.log.{R.randint(1, 9)}.gz"]))
for _ in range(50):
    ops(pick([f"Error 0x8007{d(4)} access denied", f"HTTP {pick(['500', '502', '503', '504', '429'])} from update server, retry in {R.randint(5, 120)} s",
              f"SQLSTATE 40001 deadlock, retried {R.randint(1, 3)} times", f"errno {R.randint(1, 130)} ECONNRESET",
              f"Exit code {R.randint(1, 255)} from backup job", f"Event ID {R.randint(1000, 9999)} in application log",
              f"Ping to 10.{R.randint(0, 255)}.{R.randint(0, 255)}.{R.randint(1, 254)} lost {R.randint(1, 100)}%",
              f"MAC 00:1A:2B:{d(2)}:{d(2)}:{d(2)} not in DHCP", f"GUID 3f2504e0-4f89-11d3-9a0c-{d(12)} duplicated",
              f"Disk C: {R.randint(80, 99)}% full on PC RECEPTION-0{R.randint(1, 9)}",
              f"Certificate thumbprint {d(8)}ABCDEF{d(8)} expires {recent_date()}",
              f"UPS on battery for {R.randint(1, 40)} min, {R.randint(10, 99)}% left",
              f"SMTP 421 from relay, {R.randint(1, 50)} mails queued", f"Port {R.randint(1024, 65535)} blocked by firewall"]))
for _ in range(60):
    ops(pick([f"Service visit booked for {recent_date()} at {R.randint(8, 17)}:00",
              f"Sensor calibrated {recent_date()}, next due {recent_date()}",
              f"Generator test {recent_date()} {R.randint(6, 9)}:{R.randint(0, 5)}0, passed",
              f"Fire drill on {recent_date()} at {R.randint(9, 15)}:30", f"Inspection passed on {recent_date()}",
              f"Daily sync {recent_date()} finished in {R.randint(1, 59)} min",
              f"Report for {recent_date()} to {recent_date()} requested",
              f"Maintenance window {recent_date()} 22:00-02:00", f"Stock count on {recent_date()} done",
              f"Delivery expected {pick(MONTHS['en'])} {R.randint(1, 28)}",
              f"Shift rota for week {R.randint(1, 52)} posted", f"Clinic closed {recent_date()} (public holiday)",
              f"Flu clinic Saturday {R.randint(8, 10)}:00 to {R.randint(12, 16)}:00 in hall {R.randint(1, 3)}"]))
for _ in range(40):
    ops(pick([f"Call facilities re: leak in room {R.randint(1, 300)}", f"Please call IT about kiosk {R.randint(1, 9)}",
              f"Phone extension {d(4)} for pharmacy", f"Paging system test at {R.randint(8, 17)}:00",
              f"Call light bay {R.randint(1, 20)} fixed", f"Courier pickup at dock {R.randint(1, 4)} at {R.randint(8, 17)}:15",
              f"Front desk printer tray {R.randint(1, 3)} jammed", "Label printer out of wristbands",
              f"Interpreter requested for {R.randint(9, 16)}:30 slot", "Wi-Fi in the waiting room is down",
              "Waiting room TV stuck on input 2", "Hand sanitizer empty at entrance B",
              f"Parking gate {R.randint(1, 3)} stuck open", f"Coffee machine in lounge {R.randint(1, 3)} broken",
              "Security guard requested at main entrance", "Board message: lab closes early today",
              f"Message board {R.randint(1, 5)}: flu shots available", "Attendance clock out failed for night shift",
              f"Report inventory requested for {pick(MONTHS['en'])}", "Pharmacy closes at 18:00 today",
              f"Blood bank fridge alarm tested OK at {R.randint(7, 9)}:00", "Oxygen cylinder delivery to store room",
              f"Phlebotomy chair {R.randint(1, 6)} broken", "New hires orientation in room B2 at 9",
              f"Code drill on level {R.randint(1, 5)} at {R.randint(9, 16)}:00", "Dr. on call changed for weekend",
              f"{R.randint(2, 40)} wristbands printed, {R.randint(1, 5)} reprinted", "Lost and found: umbrella at desk 2",
              f"Sterilizer cycle {d(5)} passed at 134 C", f"Autoclave {R.randint(1, 3)} failed cycle {d(4)}"]))

def write(name, lines, header):
    (HERE / name).write_text(header + "".join(l.replace("\n", "\\n") + "\n" for l in lines),
                             encoding="utf-8")

rej = PHI + [variant(s) for s in PHI[::2]]
write("reject_generated.txt", rej, "# Generated by generate.py; do not edit.\n")
write("pass_generated.txt", OPS + [variant(s) for s in R.sample(OPS, 80) if True],
      "# Generated by generate.py; do not edit.\n")
print(f"{len(rej)} to refuse, {len(OPS) + 80} to pass")
