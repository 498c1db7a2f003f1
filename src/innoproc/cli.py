"""The ``innoproc`` command. Each subcommand imports the stages it needs when it runs, so
``innoproc --help`` stays instant.

Exit codes: 0 success (the data conforms), 1 violations, 2 an error in the input or usage.
"""

from __future__ import annotations

import contextlib
import dataclasses
import signal
import sys
import time
from pathlib import Path

import click

from innoproc import formats
from innoproc.config import SHACL_ENGINES
from innoproc.errors import InputError

FOLDER = click.Path(file_okay=False, path_type=Path)
FILE = click.Path(dir_okay=False, path_type=Path)


def _seconds(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    if value is not None and not (0 < value < float("inf")):
        raise click.BadParameter("must be a number of seconds above 0")
    return value


TIMEOUT = click.option(
    "--timeout",
    type=float,
    callback=_seconds,
    help="Seconds each request to the server may take in all (default: client_timeout, 60).",
)


@click.group()
@click.option(
    "--project",
    type=FOLDER,
    help="The project folder (default: the nearest one with [tool.innoproc] in pyproject.toml).",
)
@click.version_option(package_name="innoproc")
@click.pass_context
def main(ctx: click.Context, project: Path | None) -> None:
    """Build, validate, query and publish the innoproc knowledge graph."""
    ctx.obj = project


def _config(ctx: click.Context):  # type: ignore[no-untyped-def]
    from innoproc.config import Config

    return Config.load(ctx.obj)


SHACL_ENGINE = click.option(
    "--shacl-engine",
    type=click.Choice(SHACL_ENGINES),
    help="The SHACL engine that validates (default: shacl_engine, turbo).",
)


def _engine(config, engine: str | None):  # type: ignore[no-untyped-def]
    return dataclasses.replace(config, shacl_engine=engine) if engine else config


def _fail(exc: InputError) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(2)


@main.command()
@click.option(
    "--report", type=FILE, help="Where to write the report as Turtle (default: from configuration)."
)
@SHACL_ENGINE
@click.pass_context
def validate(ctx: click.Context, report: Path | None, shacl_engine: str | None) -> None:
    """Load ontology, data and shapes, and check the data against the shapes.

    Prints one line per finding (file, resource, property, message); writes the report as
    Turtle when the data conforms. Exits 0 when it conforms, 1 on violations, 2 on an error.
    """
    from innoproc.build.load import load_project
    from innoproc.build.validate import validate as validate_corpus
    from innoproc.build.validate import write_report

    try:
        config = _engine(_config(ctx), shacl_engine)
        corpus = load_project(config)
        result = validate_corpus(corpus, workers=config.processes)
    except InputError as exc:
        _fail(exc)
        return
    click.echo(result.text())
    if not result.conforms:
        sys.exit(1)
    write_report(result, report or config.path(config.report))


@main.command()
@click.argument(
    "file", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=False
)
@click.option("--query", "text", help="The query itself, instead of a file.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", *(f.name for f in formats.holding("results"))]),
    default="table",
    show_default=True,
)
@click.option("--endpoint", help="Ask this SPARQL endpoint instead of the embedded store.")
@TIMEOUT
@click.pass_context
def query(
    ctx: click.Context,
    file: Path | None,
    text: str | None,
    fmt: str,
    endpoint: str | None,
    timeout: float | None,
) -> None:
    """Run a SPARQL query (FILE.rq or --query TEXT) on the graph, or on any SPARQL endpoint
    with --endpoint, and print its results."""
    from innoproc.build.load import load_project
    from innoproc.clients.store import query_endpoint
    from innoproc.query import Query, execute
    from innoproc.rdf import union_store

    if (file is None) == (text is None):
        raise click.UsageError("give either FILE or --query")
    try:
        config = _config(ctx)
        q = Query.from_file(file) if file is not None else Query.from_text(text or "")
        if endpoint:
            result = query_endpoint(endpoint, q, config.base_iri, timeout or config.client_timeout)
        else:
            store = union_store(load_project(config).statements)
            result = execute(store, q, config.base_iri)
        text = result.render(fmt)
    except InputError as exc:
        _fail(exc)
        return
    click.echo(text, nl=False)


@main.command(name="load")
@click.option("--endpoint", required=True, help="The store's SPARQL query endpoint.")
@click.option("--store", help="Its Graph Store Protocol address (default: /query → /store).")
@click.option(
    "--user",
    help="The store's user (HTTP digest or basic auth); the password comes from the "
    "INNOPROC_STORE_PASSWORD environment variable or --password-file.",
)
@click.option(
    "--password-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file whose first line is the store's password.",
)
@click.option(
    "--default-graph/--no-default-graph",
    default=True,
    show_default=True,
    help="Also put the union of the graphs as the store's default graph (Virtuoso's default "
    "graph is the union of all its graphs already, and its Graph Store refuses it).",
)
@TIMEOUT
@click.pass_context
def load_command(
    ctx: click.Context,
    endpoint: str,
    store: str | None,
    user: str | None,
    password_file: Path | None,
    default_graph: bool,
    timeout: float | None,
) -> None:
    """Put the dataset into a SPARQL store, one named graph per source, replacing those graphs,
    and check the store's statement counts afterwards."""
    import os

    from innoproc.build.load import load_project
    from innoproc.clients.bounded import Credentials
    from innoproc.clients.store import put_dataset

    try:
        credentials = Credentials.given(user, password_file, dict(os.environ))
        config = _config(ctx)
        sent = put_dataset(
            load_project(config),
            endpoint,
            store,
            timeout or config.client_timeout,
            credentials,
            default_graph,
        )
    except InputError as exc:
        _fail(exc)
        return
    click.echo(f"Loaded {sum(sent.values())} statements in {len(sent)} graphs; counts checked.")


@main.command()
@click.option("--endpoint", default=None, help="SPARQL endpoint (default: Wikidata's).")
@click.option("--apply", "accept", is_flag=True, help="Write the rows marked yes into data/.")
@TIMEOUT
@click.pass_context
def link(ctx: click.Context, endpoint: str | None, accept: bool, timeout: float | None) -> None:
    """Find Wikidata candidates for unlinked organisations, people and initiatives and write
    links/review.tsv; with --apply, put the accepted ones into data/ as a source."""
    from innoproc.build.load import load_project
    from innoproc.clients.reconcile import WIKIDATA, apply, reconcile

    endpoint = endpoint or WIKIDATA
    try:
        config = _config(ctx)
        corpus = load_project(config)
        folder = config.path("links")
        if accept:
            target = apply(corpus, folder, endpoint)
            click.echo(f"Wrote the accepted links to {target}.")
            return
        candidates = reconcile(corpus, endpoint, folder, timeout or config.client_timeout)
    except InputError as exc:
        _fail(exc)
        return
    click.echo(
        f"{len(candidates)} candidate(s) in {folder / 'review.tsv'}; mark the right ones "
        "yes in the accept column, then run innoproc link --apply."
    )


@main.command()
@click.option(
    "--out", type=FOLDER, help="Where to write the site (default: from configuration, site/)."
)
@click.option("--strict", is_flag=True, help="Fail on missing labels, dangling links, warnings.")
@click.option("--timings", is_flag=True, help="Print the wall time of each stage on stderr.")
@click.option(
    "--from-endpoint",
    "endpoint",
    metavar="URL",
    help="Read the sources' graphs from this SPARQL endpoint instead of data/.",
)
@SHACL_ENGINE
@click.option(
    "--release",
    is_flag=True,
    help="Also publish the site as the release of the configured version, in releases/.",
)
@click.option(
    "--clean",
    is_flag=True,
    help="Write every page and file anew, reusing nothing from the previous site.",
)
@click.option(
    "--watch",
    is_flag=True,
    help="Build, then build again whenever a file of the project is saved (until Ctrl-C).",
)
@click.pass_context
def build(
    ctx: click.Context,
    out: Path | None,
    strict: bool,
    timings: bool,
    endpoint: str | None,
    shacl_engine: str | None = None,
    release: bool = False,
    clean: bool = False,
    watch: bool = False,
) -> None:
    """Load, validate and publish the graph as a static linked-data site.

    Writes dumps, a description of every resource in Turtle, JSON-LD and N-Triples, HTML
    pages in every language, and the rules that serve the site from nginx or Apache
    (deploy/nginx.conf, .htaccess). The new site replaces the old one only once it is complete.
    With --from-endpoint the sources' graphs come from a SPARQL store (loaded with
    innoproc load); ontology/, shapes/ and queries/ still come from the project.
    Exits 0 when built, 1 when the data does not conform (or, with --strict, on any problem),
    2 on bad input, an unwritable output folder, or a store that does not answer.
    With --release (version and release_date configured) the site is also that release: its
    dumps, catalogue, VoID, validation report, citation files and changes since the release
    before in releases/{version}/. Every build keeps the releases of the site it replaces.
    """
    from innoproc.build.pipeline import STAGES, BuildFailed
    from innoproc.build.pipeline import build as build_site
    from innoproc.config import Config

    def once(config: Config) -> int:
        started = last = time.perf_counter()

        def done(stage: str) -> None:
            nonlocal last
            if timings and stage in STAGES:
                now = time.perf_counter()
                click.echo(f"{stage:<10} {now - last:8.2f} s", err=True)
                last = now

        try:
            built = build_site(config, out, strict, done, endpoint, release, not clean)
        except InputError as exc:
            click.echo(f"error: {exc}", err=True)
            return 2
        except BuildFailed as exc:
            click.echo(str(exc), err=True)
            click.echo("error: build failed; the previous site is untouched", err=True)
            return 1
        if timings:
            click.echo(f"{'total':<10} {time.perf_counter() - started:8.2f} s", err=True)
        for problem in built.problems:
            click.echo(f"warning: {problem}", err=True)
        reused = f", {built.reused} page(s) and description(s) reused" if built.reused else ""
        click.echo(
            f"Built {built.files} files in {built.out} ({len(built.problems)} problem(s)){reused}."
        )
        return 0

    try:
        config: Config = _engine(_config(ctx), shacl_engine)
    except InputError as exc:
        _fail(exc)
        return
    if not watch:
        sys.exit(once(config))
    from innoproc.build.watch import watch as watch_project

    def configure(root: Path) -> Config:
        try:
            reread: Config = _engine(Config.load(root), shacl_engine)
            return reread
        except InputError as exc:  # a half-saved pyproject.toml: keep the last good settings
            click.echo(f"error: {exc}", err=True)
            return config

    def each(config: Config) -> None:
        once(config)
        click.echo("Watching for changes (Ctrl-C to stop).", err=True)

    # Ctrl-C stops watching, even where the shell that started the command ignores it
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with contextlib.suppress(KeyboardInterrupt):
        watch_project(config.root, configure, each)


@main.command()
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path), required=False)
@click.option("--out", type=FOLDER, help="Also write added.nq and removed.nq into this folder.")
@click.pass_context
def diff(ctx: click.Context, old: Path, new: Path | None, out: Path | None) -> None:
    """What changed from OLD to NEW: statements added and removed, per source graph, and the
    resources that are new, removed or changed. OLD and NEW are dumps (.nq, .trig), release
    folders (releases/{version}) or sites; without NEW, the project's working data."""
    from innoproc.build.diff import Diff, find_dump, read_statements

    try:
        before = read_statements(find_dump(old))
        if new is None:
            from innoproc.build.load import load_project
            from innoproc.build.release import corpus_statements

            after = corpus_statements(load_project(_config(ctx)))
        else:
            after = read_statements(find_dump(new))
        change = Diff.between(before, after)
        if out is not None:
            change.write(out)
    except InputError as exc:
        _fail(exc)
        return
    click.echo(change.summary(), nl=False)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--build/--no-build",
    "rebuild",
    default=True,
    show_default=True,
    help="Build the site before serving it.",
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, rebuild: bool) -> None:
    """Serve the site as linked data: pages, content negotiation for the dataset's IRIs (303 to
    the document in the format asked for) and a read-only SPARQL endpoint at /sparql."""
    from innoproc.serve import serve as serve_site

    config = _config(ctx)
    if rebuild:
        ctx.invoke(build)
    try:
        serve_site(config, host, port)
    except InputError as exc:
        _fail(exc)


if __name__ == "__main__":
    main()
