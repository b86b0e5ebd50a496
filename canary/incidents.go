package canary

// IncidentsService reads and acts on the Console's incidents: the alerts
// raised when a Canary is touched or a Canarytoken fires.
type IncidentsService service
