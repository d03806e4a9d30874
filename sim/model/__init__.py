"""The SimPy model of one office: staff, caseload, work, systems and the disruptions."""
