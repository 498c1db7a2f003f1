"""The rules ``innoproc build`` writes for static servers, run: Debian's nginx serves the built
site with ``deploy/nginx.conf`` included, and answers the server's content-negotiation cases
(``CONNEG`` of ``test_server``) as ``innoproc serve`` does, side by side; Apache checks the
syntax of ``.htaccess`` and serves the site with it too. Where a static server cannot answer
as the server does, the test names the case and why (``KNOWN_DIFFERENCES``,
``APACHE_DIFFERENCES``).

nginx and Apache are installed by ``scripts/install-test-tools``; without them these tests
skip, saying so (in CI, where they are installed, a skip fails)."""

from __future__ import annotations

import dataclasses
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import free_port, serving, start_oxigraph
from innoproc.build.deploy import APACHE, NGINX, accept_rules, negotiated, write_deploy
from innoproc.config import Config
from innoproc.formats import (
    FORMATS,
    OTHER_FILES,
    file_types,
    fixed_documents,
    media_type,
    resource_documents,
)
from innoproc.headers import HTML_POLICY, OTHER_POLICY
from innoproc.serve.negotiation import negotiate
from test_server import CONNEG

Answer = tuple[int, dict[str, str], bytes]

OFFERS = [media for media, _ in resource_documents()]
RESOURCE = "/id/initiative/innoprocur"

ACCEPT = [
    # Accept headers beyond CONNEG's, each answered alike by both servers.
    None,
    "",
    "text/turtle",
    "TEXT/Turtle",
    "text/*",
    "application/*",
    "application/*;q=0.9, text/turtle;q=0.8",
    "text/html;q=0.1, application/rdf+xml;q=0.2, application/n-triples;q=0.3",
    "text/turtle;q=0, */*",
    "*/*;q=0.1, application/ld+json;q=0.5",
    "text/*;q=0.9, application/ld+json;q=0.9",
    "*/*;q=0.9, text/turtle;q=0.9",
    "application/xhtml+xml, text/turtle ; q = 0.7",
    "text/turtle; charset=utf-8",
    "text/turtle;q=0.5;foo=bar, application/rdf+xml;q=0.4",
    "text/turtle;q=2, application/rdf+xml",
    "text/turtle;q=abc, application/rdf+xml;q=0.4",
    "text/turtle,,application/rdf+xml",
    "application/json",
    "image/png, text/plain",
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
    "text/turtle;q=0.1, */*",
    "text/*;q=0.2, */*;q=0.3, text/turtle;q=0.1",
    "text/turtle;q=0.001",
    "text/turtle;q=0.000",
]

KNOWN_DIFFERENCES = {
    # Accept header: (what nginx answers, why it is not what the server answers)
    "text/turtle;q=0.5, application/ld+json;q=0.55": (
        "/id/initiative/innoprocur.ttl",
        "nginx tells qualities apart to their first decimal only: 0.55 counts as 0.5, and at "
        "one quality the server's order of offers (Turtle before JSON-LD) decides; the server "
        "compares the whole numbers and answers JSON-LD",
    ),
    "application/rdf+xml;q=0.05, text/turtle;q=0.01": (
        "/id/initiative/innoprocur.ttl",
        "below 0.1 nginx tells no qualities apart: at one quality the server's order of offers "
        "(Turtle before RDF/XML) decides; the server answers RDF/XML",
    ),
}

LANGUAGES = [
    None,
    "en",
    "EN",
    "en-GB,en;q=0.9",
    "en_GB",
    "nl;q=0.1, en;q=0.9",
    "de, nl;q=0.5",
    "de",
    "*",
    "de, *;q=0.5",
    "nl-BE;q=0.2, en;q=0.1",
    "fr-CA, en-US;q=0.8",
    "en;q=0",
]

PATHS = [
    RESOURCE,
    "/id/country/AUT",
    "/id/country/aut",
    "/id/Initiative/innoprocur",
    "/id/initiative/innoprocur/",
    "/id/no-such-kind/thing",
    "/id/initiative",
    "/catalog",
    "/ontology",
    "/.well-known/void",
    "/",
    "/en/",
    "/nl/index.html",
    "/dumps/innoproc.nt.gz",
    "/dumps/innoproc.trig",
    "/assets/style.css",
    "/void.ttl",
    "/no-such-file.html",
    "/en/no-such-kind/",
    "/nl/a/b/c/missing",
    "/id/initiative/no-such-thing.ttl",
    "/404.html",
    "/search.json",
    "/query/mle-events.csv",
    "/id/initiative/innoprocur.trig",
]


def nginx_binary() -> str:
    """Debian's nginx, or a skip that says how to install it."""
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None
    )
    if not found:
        pytest.skip("nginx is not installed: run scripts/install-test-tools (apt: nginx)")
    return found


def apache_binary() -> str:
    found = shutil.which("apache2") or next(
        (p for p in ("/usr/sbin/apache2",) if os.access(p, os.X_OK)), None
    )
    if not found or not Path("/usr/lib/apache2/modules/mod_rewrite.so").is_file():
        pytest.skip("Apache is not installed: run scripts/install-test-tools (apt: apache2-bin)")
    return found


def wait_for(address: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            request(address + "/nl/index.html")
            return
        except OSError:
            problem = log.read_text() if log.exists() else ""
            assert process.poll() is None, f"the server did not start: {problem}"
            assert time.monotonic() < deadline, f"the server did not answer: {problem}"
            time.sleep(0.1)


def user_directive() -> str:
    """Run as root (in a container), the workers would become ``nobody`` and could not read a
    private temporary folder: they stay the user that starts them."""
    if os.geteuid() != 0:
        return ""
    return f"user {pwd.getpwuid(0).pw_name};\n"


@contextmanager
def running_nginx(root: Path, include: Path, work: Path) -> Iterator[str]:
    """Debian's nginx on a free loopback port, in the foreground, serving ``root`` with the
    rules of ``include`` in its ``server {}`` block; yields its address."""
    binary = nginx_binary()
    port = free_port()
    work.mkdir(parents=True, exist_ok=True)
    temporary = (
        " ".join(f"{name}_temp_path {work / name};" for name in ("client_body", "proxy", "fastcgi"))
        + " "
        + " ".join(f"{name}_temp_path {work / name};" for name in ("uwsgi", "scgi"))
    )
    conf = work / "nginx.conf"
    conf.write_text(
        f"{user_directive()}worker_processes 1;\ndaemon off;\npid {work / 'nginx.pid'};\n"
        f"error_log {work / 'error.log'} warn;\nevents {{ worker_connections 64; }}\n"
        f"http {{\n    access_log off;\n    {temporary}\n"
        f"    server {{\n        listen 127.0.0.1:{port};\n        root {root};\n"
        f"        include {include};\n    }}\n}}\n"
    )
    log = work / "error.log"
    check = subprocess.run(
        [binary, "-t", "-q", "-c", str(conf), "-p", str(work), "-e", str(log)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr + (log.read_text() if log.exists() else "")
    process = subprocess.Popen(
        [binary, "-c", str(conf), "-p", str(work), "-e", str(log)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    address = f"http://127.0.0.1:{port}"
    try:
        wait_for(address, process, log)
        yield address
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def nginx(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """nginx serving the built site with the rules the build wrote into it."""
    with running_nginx(site, site / NGINX, tmp_path_factory.mktemp("nginx")) as address:
        yield address


@pytest.fixture(scope="module")
def server(site: Path, config: Config) -> Iterator[str]:
    with serving(site, config) as address:
        yield address


def request(url: str, method: str = "GET", **headers: str | None) -> Answer:
    """The answer to one request, redirects not followed."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    sent = {name.replace("_", "-"): value for name, value in headers.items() if value is not None}
    asked = urllib.request.Request(url, headers=sent, method=method)
    try:
        with urllib.request.build_opener(NoRedirect).open(asked, timeout=30) as answer:
            return answer.status, {k.title(): v for k, v in answer.headers.items()}, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.title(): v for k, v in error.headers.items()}, error.read()


def essentials(answer: Answer) -> tuple[int, str | None, str, str | None, str | None]:
    """What both servers must agree on: status, Location, media type, Vary, Link."""
    code, headers, _ = answer
    media = headers.get("Content-Type", "").split(";")[0].strip()
    named = [v.strip() for v in headers.get("Vary", "").split(",") if v.strip()]
    # The server's CORS middleware adds Origin to every Vary, although no answer depends on it
    # (Access-Control-Allow-Origin is always *); the nginx rules leave it out.
    vary = ", ".join(v for v in named if v != "Origin") or None
    location = headers.get("Location")
    if location:  # the server's folder redirects name the host, nginx's are relative
        location = urllib.parse.urlsplit(location)._replace(scheme="", netloc="").geturl()
    return code, location, media, vary, headers.get("Link")


# ---------------------------------------------------------------- the same answers


@pytest.mark.parametrize(("path", "accept", "status", "media", "location"), CONNEG)
def test_conneg_cases_answer_as_the_server_does(
    nginx: str, server: str, path: str, accept: str, status: int, media: str, location: str | None
) -> None:
    ours = request(nginx + path, Accept=accept)
    code, headers, body = ours
    assert code == status, body
    assert headers["Content-Type"].startswith(media)
    assert headers.get("Location") == location
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert essentials(ours) == essentials(request(server + path, Accept=accept))
    if status in (303, 406):
        assert 'rel="alternate"; type="text/turtle"' in headers["Link"]


@pytest.mark.parametrize("accept", ACCEPT)
@pytest.mark.parametrize("path", [RESOURCE, "/ontology", "/catalog"])
def test_accept_headers_answer_as_the_server_does(
    nginx: str, server: str, path: str, accept: str | None
) -> None:
    ours, theirs = request(nginx + path, Accept=accept), request(server + path, Accept=accept)
    assert essentials(ours) == essentials(theirs)
    assert ours[2] == theirs[2]  # the same words: "See /id/...", "Not acceptable. Available: ..."


@pytest.mark.parametrize("accept_language", LANGUAGES)
def test_languages_answer_as_the_server_does(
    nginx: str, server: str, accept_language: str | None
) -> None:
    for path in (RESOURCE, "/ontology"):
        ours = request(nginx + path, Accept="text/html", Accept_Language=accept_language)
        theirs = request(server + path, Accept="text/html", Accept_Language=accept_language)
        assert essentials(ours) == essentials(theirs)


@pytest.mark.parametrize("path", PATHS)
def test_paths_answer_as_the_server_does(nginx: str, server: str, path: str) -> None:
    ours, theirs = request(nginx + path), request(server + path)
    assert essentials(ours)[:3] == essentials(theirs)[:3]
    assert ours[0] != 200 or ours[2] == theirs[2]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_language_without_its_slash_redirects_to_its_home_page(
    nginx: str, apache: str, server: str, lang: str
) -> None:
    for address in (nginx, apache, server):
        code, location, *_ = essentials(request(f"{address}/{lang}"))
        assert code in (301, 307) and location == f"/{lang}/", address


@pytest.mark.parametrize("path", ["/no-such-file.html", "/en/organisation/gone.html", "/nl/x/"])
def test_a_missing_page_is_the_404_page_in_both_languages(
    nginx: str, apache: str, path: str
) -> None:
    for address in (nginx, apache):
        code, headers, body = request(address + path, Accept="text/html")
        assert code == 404, address
        assert headers["Content-Type"].startswith("text/html"), address
        assert "Pagina niet gevonden" in body.decode() and "Page not found" in body.decode()
        assert '<link rel="stylesheet" href="/assets/style.css">' in body.decode()


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_other_methods_are_refused(nginx: str, server: str, method: str) -> None:
    for path in (RESOURCE, "/ontology"):
        assert request(nginx + path, method)[0] == request(server + path, method)[0] == 405


@pytest.mark.parametrize(("accept", "difference"), list(KNOWN_DIFFERENCES.items()))
def test_regression_known_differences_are_the_documented_ones(
    nginx: str, server: str, accept: str, difference: tuple[str, str]
) -> None:
    """Where nginx cannot answer as the server does: the answer it gives instead, and why."""
    location, reason = difference
    ours, theirs = (
        request(nginx + RESOURCE, Accept=accept),
        request(server + RESOURCE, Accept=accept),
    )
    assert ours[0] == theirs[0] == 303
    assert ours[1]["Location"] == location != theirs[1]["Location"], reason


def test_rules_follow_the_servers_negotiator() -> None:
    """The rules, read in order as nginx reads them, choose what the server's negotiator
    chooses (here in Python's regular expressions, which read these as PCRE does)."""
    import re

    rules = accept_rules(OFFERS)

    def chosen(accept: str) -> str | None:
        return next((r.choice for r in rules if re.search(r.pattern, accept, re.IGNORECASE)), None)

    for accept in [a for a in ACCEPT if a] + [c[1] for c in CONNEG]:
        assert chosen(accept) == negotiate(accept, OFFERS), accept
    for accept in KNOWN_DIFFERENCES:
        assert chosen(accept) != negotiate(accept, OFFERS), accept


# ---------------------------------------------------------------- what nginx adds


def test_security_headers_and_types(nginx: str, server: str) -> None:
    for path, accept in (
        ("/en/initiative/innoprocur.html", None),
        ("/", None),
        ("/id/initiative/innoprocur.ttl", None),
        (RESOURCE, "text/turtle"),
        (RESOURCE, "image/png"),
        ("/id/initiative/no-such-thing", None),
        ("/no-such-file", None),
    ):
        ours, theirs = request(nginx + path, Accept=accept), request(server + path, Accept=accept)
        html = ours[1]["Content-Type"].startswith("text/html")
        for name in ("X-Content-Type-Options", "Access-Control-Allow-Origin", "X-Frame-Options"):
            assert ours[1][name] == theirs[1][name], (path, name)
        assert ours[1]["Content-Security-Policy"] == (HTML_POLICY if html else OTHER_POLICY)
        assert ours[1]["Content-Security-Policy"] == theirs[1]["Content-Security-Policy"], path
        assert ours[1]["Content-Type"] == theirs[1]["Content-Type"], path
        assert ours[1]["Server"] == "nginx", "server_tokens off: no version"


def test_every_file_is_served_with_the_type_the_server_gives_it(site: Path, tmp_path: Path) -> None:
    """A file of every extension the format table knows, served with the site's rules."""
    root = tmp_path / "root"
    root.mkdir()
    names = [f"file.{f.extension}" for f in FORMATS] + [f"file.{e}" for e in OTHER_FILES]
    for name in names:
        (root / name).write_text("x")
    (root / "nl").mkdir()
    (root / "nl/index.html").write_text("<!doctype html>")
    with running_nginx(root, site / NGINX, tmp_path / "nginx") as address:
        for name in names:
            assert request(f"{address}/{name}")[1]["Content-Type"] == media_type(name), name


@pytest.mark.parametrize(
    "path",
    [
        "/../pyproject.toml",
        "/%2e%2e/pyproject.toml",
        "/assets/../../pyproject.toml",
        "/..%2fpyproject.toml",
        "/id/../../pyproject.toml",
        "/id/%2e%2e/%2e%2e/pyproject.toml",
    ],
)
def test_paths_never_leave_the_site(nginx: str, path: str) -> None:
    code, _, body = request(nginx + path)
    assert code in (400, 404)
    assert b"[tool.innoproc]" not in body


def test_sparql_is_passed_to_the_configured_store(
    site: Path, config: Config, tmp_path: Path
) -> None:
    process, endpoint = start_oxigraph(tmp_path / "store")
    try:
        written = write_deploy(dataclasses.replace(config, sparql_store=endpoint), tmp_path)
        include = next(p for p in written if p.name == "nginx.conf")
        assert f"RewriteRule ^sparql$ {endpoint} [P,L]" in (tmp_path / APACHE).read_text()
        with running_nginx(site, include, tmp_path / "nginx") as address:
            query = urllib.parse.urlencode({"query": "ASK {}"})
            code, headers, body = request(
                f"{address}/sparql?{query}", Accept="application/sparql-results+json"
            )
            assert code == 200 and b'"boolean":true' in body.replace(b" ", b"")
            assert headers["Access-Control-Allow-Origin"] == "*"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_without_a_store_there_is_no_sparql(nginx: str, site: Path) -> None:
    assert "location = /sparql" not in (site / NGINX).read_text()
    assert request(nginx + "/sparql?query=ASK%7B%7D")[0] == 404


# ---------------------------------------------------------------- the files written


def test_the_rules_are_written_alike_every_time(site: Path, config: Config, tmp_path: Path) -> None:
    first = {p.name: p.read_bytes() for p in write_deploy(config, tmp_path / "a")}
    second = {p.name: p.read_bytes() for p in write_deploy(config, tmp_path / "b")}
    assert first == second
    assert first["nginx.conf"] == (site / NGINX).read_bytes()
    assert first[".htaccess"] == (site / APACHE).read_bytes()


def test_every_document_of_the_table_is_in_both_files(site: Path) -> None:
    conf, htaccess = (site / NGINX).read_text(), (site / APACHE).read_text()
    for media, target in resource_documents():
        nginx_target = "/" + target.replace("{lang}", "$ip_lang").replace("{path}", "$ip_path")
        assert f'<{nginx_target}>; rel=\\"alternate\\"' not in conf  # quoted, not escaped
        assert f'<{nginx_target}>; rel="alternate"; type="{media}"' in conf
        apache_target = "/" + target.replace("{lang}", "%{ENV:IP_LANG}").replace("{path}", "$1")
        assert f"RewriteCond %{{ENV:IP_TYPE}} ={media}\n" in htaccess
        assert f" {apache_target} [R=303,L]" in htaccess
    for path, documents in fixed_documents().items():
        assert f"location = {path} {{" in conf
        for media, target in documents:
            assert f'type="{media}"' in conf
            assert "/" + target.replace("{lang}", "%{ENV:IP_LANG}") in htaccess
    for extension, content_type in file_types().items():
        media = content_type.split(";")[0]
        assert f" .{extension}" in htaccess and extension in conf, media
    assert len(negotiated()) == 1 + len(fixed_documents())


def test_htaccess_is_valid_apache_configuration(site: Path, tmp_path: Path) -> None:
    """Apache's own check of its configuration, with ``.htaccess`` as the site's rules."""
    binary = apache_binary()
    conf = apache_conf(site, tmp_path, free_port(), check=True)
    check = subprocess.run([binary, "-t", "-f", str(conf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


APACHE_DIFFERENCES = (
    "Apache answers a 303, 404, 405 or 406 with its own HTML page, where the server answers "
    "in plain text: the media types of those answers are not compared"
)


@pytest.fixture(scope="module")
def apache(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Apache serving the built site, reading the ``.htaccess`` the build wrote into it."""
    binary = apache_binary()
    work = tmp_path_factory.mktemp("apache")
    root = site
    if os.geteuid() == 0:  # Apache's workers run as nobody: a copy they can read
        readable = Path(tempfile.mkdtemp(prefix="innoproc-apache-"))
        readable.chmod(0o755)
        root = readable / "site"
        shutil.copytree(site, root)
    port = free_port()
    conf = apache_conf(root, work, port, check=False)
    log = work / "error.log"
    process = subprocess.Popen(
        [binary, "-f", str(conf), "-DFOREGROUND"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    address = f"http://127.0.0.1:{port}"
    try:
        wait_for(address, process, log)
        yield address
    finally:
        process.terminate()
        process.wait(timeout=30)
        if root != site:
            shutil.rmtree(root.parent, ignore_errors=True)


@pytest.mark.parametrize(("path", "accept", "status", "media", "location"), CONNEG)
def test_apache_answers_the_conneg_cases_as_the_server_does(
    apache: str, server: str, path: str, accept: str, status: int, media: str, location: str | None
) -> None:
    ours = essentials(request(apache + path, Accept=accept))
    theirs = essentials(request(server + path, Accept=accept))
    assert ours[0] == status
    if status == 200:
        assert ours == theirs
    else:  # APACHE_DIFFERENCES
        assert ours[:2] + ours[3:] == theirs[:2] + theirs[3:]


@pytest.mark.parametrize("accept", [a for a in ACCEPT if a is not None])
def test_apache_answers_accept_headers_as_the_server_does(
    apache: str, server: str, accept: str
) -> None:
    ours = essentials(request(apache + RESOURCE, Accept=accept, Accept_Language="en"))
    theirs = essentials(request(server + RESOURCE, Accept=accept, Accept_Language="en"))
    assert ours[:2] + ours[3:] == theirs[:2] + theirs[3:]  # APACHE_DIFFERENCES


@pytest.mark.parametrize("accept_language", LANGUAGES)
def test_apache_answers_languages_as_the_server_does(
    apache: str, server: str, accept_language: str | None
) -> None:
    ours = essentials(
        request(apache + RESOURCE, Accept="text/html", Accept_Language=accept_language)
    )
    theirs = essentials(
        request(server + RESOURCE, Accept="text/html", Accept_Language=accept_language)
    )
    assert ours[:2] == theirs[:2]


def apache_conf(site: Path, work: Path, port: int, check: bool) -> Path:
    """Apache's configuration for ``site`` on ``port``: the modules the rules need, the site
    as document root with its ``.htaccess`` read; to ``check``, also the rules themselves as a
    ``<Directory>`` section, so that ``apache2 -t`` reads every line."""
    modules = "/usr/lib/apache2/modules"
    loaded = "\n".join(
        f"LoadModule {name}_module {modules}/mod_{name}.so"
        for name in ("mpm_event", "authz_core", "dir", "mime", "rewrite", "headers", "alias")
    )
    (work / "run").mkdir(parents=True, exist_ok=True)
    user = "nobody" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    group = "nogroup" if user == "nobody" else user
    conf = work / "apache2.conf"
    rules = f'<Directory "{site}">\n' + (site / APACHE).read_text() + "</Directory>\n"
    conf.write_text(
        f"{loaded}\nServerRoot {work}\nServerName 127.0.0.1\nListen 127.0.0.1:{port}\n"
        f"PidFile {work / 'run/apache2.pid'}\nErrorLog {work / 'error.log'}\nLogLevel warn\n"
        f"User {user}\nGroup {group}\nDocumentRoot {site}\nTypesConfig /dev/null\n"
        f'<Directory "{site}">\n    AllowOverride FileInfo Indexes Options\n'
        f"    Require all granted\n</Directory>\n" + (rules if check else "")
    )
    return conf
