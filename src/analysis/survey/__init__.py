"""Producer survey ingestion: YAML config -> readers -> cleaning (logged) -> validated panel."""

from analysis.survey.errors import Problem, SurveyConfigError, SurveyValidationError

__all__ = ["Problem", "SurveyConfigError", "SurveyValidationError"]
