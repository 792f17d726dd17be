"""Errors of the import, each with a message for the person importing."""


class JobDescriptionImportError(Exception):
    """The import cannot go on; `message` says why, in words an HR user understands."""

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


class NotAJobDescription(JobDescriptionImportError):
    """The text holds nothing the parser recognises as a job description."""


class UnreadableFile(JobDescriptionImportError):
    """The file cannot be read: wrong type, damaged, undecodable."""


class FileTooLarge(UnreadableFile):
    """The file (or text) is over the import size limit; it was not read."""
