from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q


class SearchWord(models.Model):
    """Distinct words of project and milestone titles and tag names: the vocabulary a misspelt
    query word is corrected against (a small table, so trigram lookups on it are cheap)."""

    word = models.CharField(max_length=100, primary_key=True)

    class Meta:
        indexes = [GinIndex(fields=["word"], opclasses=["gin_trgm_ops"], name="search_word_trgm")]

    def __str__(self) -> str:
        return self.word


class ProjectDocument(models.Model):
    """A narrow copy of each project's search vector and ``deleted_at``, what ranking reads.

    Ranking a common word reads every matching row; on ``projects_project`` (about 1,100 bytes a
    row) a word in 25 % of 100,000 projects read ~12,600 heap pages, here (about 650 bytes, the
    vector is most of it) ~8,500. A trigger on ``projects_project`` (migration 0002) writes it in the
    same statement as the project's own row, so no writer of ``search_vector`` or ``deleted_at``
    (services, bulk operations, raw SQL) can leave it behind; a hard delete cascades."""

    project = models.OneToOneField(
        "projects.Project", primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    search_vector = SearchVectorField(null=True)
    deleted_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [GinIndex(fields=["search_vector"], name="search_document_gin", condition=Q(deleted_at__isnull=True))]

    def __str__(self) -> str:
        return f"search document of project {self.project_id}"
