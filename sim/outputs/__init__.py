"""What people read: charts, verdict, forecasts, claims, evidence and reports."""
