from django.apps import AppConfig


class BenchmarkConfig(AppConfig):
    # Installed for its management command (bench_generate); it has no models.
    name = "tongban.benchmark"
    verbose_name = "Benchmark data"
