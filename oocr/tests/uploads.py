"""A file upload that a test can send more than once, as the form harness does for each variant of a form."""

from django.core.files.uploadedfile import SimpleUploadedFile


class Upload(SimpleUploadedFile):
    """Read from the start every time: the test client reads an upload from where the last request left it."""

    def read(self, *args):
        self.seek(0)
        return super().read(*args)
