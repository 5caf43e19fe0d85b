"""The learning loop: what operators confirm, correct and reject becomes candidate examples
of the skills; a skill owner accepts them; the embedded planner picks accepted ones up."""
