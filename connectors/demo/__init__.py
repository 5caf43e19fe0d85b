"""The deterministic demo dataset of Meridian Supply Co. for the stub CRM and ERP.

``seed(systems, seed=42, today=...)`` writes the same rows for the same seed and day: ids,
names, amounts and dates (all relative to ``today``, so recent deliveries stay inside the
90-day refund window whenever the data is seeded). Randomness comes only from
``random.Random(seed)`` and a Faker instance seeded with it.

What it holds: 60 accounts (ACC-1001...) with ERP customers (credit limit by rating, net 30 or
net 45 for platinum), 180+ contacts (CON-1001...), the 40-product catalogue of
``company.CATALOGUE``, 330 sales orders (SO-1001...) of 1-5 lines, 280+ invoices (INV-2001...)
with payments (PAY-3001...), 10 credit notes (CN-4001...), 64 cases (CS-1001...) with SLA due
times by tier and priority, notes, and a few payment reminders in the outbox. Every value of
every status and priority enum occurs, invoices are overdue by 7+, 30+ and 60+ days, and some
accounts are on hold. ``_planted`` lists the records scenarios rely on, at fixed ids.

Deliberate data-quality problems (constants in ``_quality``; ACC-1047 is ``_planted``'s
``ODD_NAME_ACCOUNT``), as real systems have them:

- INV-2119 (Acme Industrial) is still ``open`` although it is 20 days past due and unpaid.
- CON-1024 (Northwind Trading Co.) has an empty phone number.
- CON-1031 (Acme Industries) has a malformed email address without an ``@``.
- CON-1045 and CON-1139 (Blue Harbor Marine) are the same person entered twice, with the phone
  number formatted differently.
- ACC-1047 is named ``"pinecrest Janitorial SUPPLY  "`` in the CRM (odd casing, trailing
  spaces), while the ERP calls the customer "Pinecrest Janitorial Supply".
"""

from connectors.demo.seeding import SeedReport, build_dataset, seed

__all__ = ["SeedReport", "build_dataset", "seed"]
