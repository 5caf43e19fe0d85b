"""The operations view: where work stands (approvals, failed steps, cases by SLA) and the audit,
for the roles that oversee it, masked by the viewer's role."""
