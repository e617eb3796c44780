from django.contrib.postgres.indexes import GinIndex
from django.db import models


class SearchWord(models.Model):
    """Distinct words of project and milestone titles and tag names: the vocabulary a misspelt
    query word is corrected against (a small table, so trigram lookups on it are cheap)."""

    word = models.CharField(max_length=100, primary_key=True)

    class Meta:
        indexes = [GinIndex(fields=["word"], opclasses=["gin_trgm_ops"], name="search_word_trgm")]

    def __str__(self) -> str:
        return self.word
