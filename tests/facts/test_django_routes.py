"""Django routes across a project: ROOT_URLCONF, include chains, function and class-based views."""

from __future__ import annotations

import pytest

from backend_ls.facts.model import Route
from backend_ls.index import facts_of_text
from tests.facts.django_helpers import cli_routes, django_python, oracle_routes, routes_named, table, write_project

# The complete table of tests/fixtures/django_project, as Django serves it (ROOT_URLCONF =
# "mysite.urls"). A class-based view answers the methods its class (or a base) defines; HEAD and
# OPTIONS only when a class writes them. The admin (no handler in the project) is not listed, and
# blog/feeds_urls.py is included by no URLconf, so Django serves none of its patterns.
DJANGO_TABLE = [
    # mysite/urls.py: `path` imported as `url_path`; the view through `from . import views`
    ("ANY", "/", "mysite.views.home", "mysite/views.py", 6, "django"),
    # added with `urlpatterns += [...]`; a View subclass answering GET and HEAD (both its own defs)
    ("GET", "/health/", "mysite.views.HealthView.get", "mysite/views.py", 11, "django"),
    ("HEAD", "/health/", "mysite.views.HealthView.head", "mysite/views.py", 14, "django"),
    # appended in an `if settings.DEBUG:` block (DEBUG is True in the fixture's settings)
    ("ANY", "/__debug__/info/", "mysite.views.debug_info", "mysite/views.py", 18, "django"),
    # include(blog_urls), a module object imported under another name
    ("GET", "/blog/", "blog.views.post_list", "blog/views.py", 13, "django"),  # @require_GET
    # CreateView (imported from django.views.generic.edit) defines GET, POST and PUT; the class
    # defines none of them, so the routes sit on the class
    ("GET", "/blog/new/", "blog.views.PostCreate.get", "blog/views.py", 18, "django"),
    ("POST", "/blog/new/", "blog.views.PostCreate.post", "blog/views.py", 18, "django"),
    ("PUT", "/blog/new/", "blog.views.PostCreate.put", "blog/views.py", 18, "django"),
    # include(post_patterns), a list of the same module, under a converter; `PostDetail as Detail`;
    # GET comes from JsonDetailView in blog/base.py, DELETE is its own
    ("GET", "/blog/<slug:slug>/", "blog.views.PostDetail.get", "blog/views.py", 23, "django"),
    ("DELETE", "/blog/<slug:slug>/", "blog.views.PostDetail.delete", "blog/views.py", 28, "django"),
    ("GET", "/blog/<slug:slug>/comments/", "blog.views.add_comment", "blog/views.py", 34, "django"),
    ("POST", "/blog/<slug:slug>/comments/", "blog.views.add_comment", "blog/views.py", 34, "django"),
    # require_POST wrapped around the view in the URLconf
    ("POST", "/blog/<slug:slug>/publish/", "blog.views.publish", "blog/views.py", 41, "django"),
    # ListView, with its own `get`
    ("GET", "/blog/archive/<int:year>/", "blog.views.ArchiveView.get", "blog/views.py", 49, "django"),
    # include("accounts.urls"); a LoginView subclass: GET, POST, PUT from the framework
    ("GET", "/accounts/login/", "accounts.views.SignInView.get", "accounts/views.py", 9, "django"),
    ("POST", "/accounts/login/", "accounts.views.SignInView.post", "accounts/views.py", 9, "django"),
    ("PUT", "/accounts/login/", "accounts.views.SignInView.put", "accounts/views.py", 9, "django"),
    ("ANY", "/accounts/profile/", "accounts.views.profile", "accounts/views.py", 15, "django"),  # @login_required
    ("POST", "/accounts/logout/", "accounts.views.sign_out", "accounts/views.py", 20, "django"),
    # re_path prefixes and patterns, anchors stripped, the regex kept as written
    ("GET", "/legacy/articles/(?P<year>[0-9]{4})/", "legacy.views.year_archive", "legacy/views.py", 6, "django"),
    ("HEAD", "/legacy/articles/(?P<year>[0-9]{4})/", "legacy.views.year_archive", "legacy/views.py", 6, "django"),
    ("ANY", "/legacy/feed\\.xml", "legacy.views.feed", "legacy/views.py", 10, "django"),
]


def test_django_project_route_table():
    assert sorted(cli_routes("django_project")) == sorted(DJANGO_TABLE)


@pytest.mark.skipif(django_python() is None, reason="set BACKEND_LS_DJANGO_PYTHON to an interpreter with Django")
def test_django_itself_serves_the_same_table():
    served = oracle_routes(django_python(), "django_project", "mysite.settings")
    expected = [(method, path, handler) for method, path, handler, *_ in DJANGO_TABLE]
    assert sorted((m, p) for m, p, _ in served) == sorted((m, p) for m, p, _ in expected)
    for method, path, view in served:  # the routed view is the handler or the handler's class
        handler = next(h for m, p, h in expected if (m, p) == (method, path))
        assert handler == view or handler.rsplit(".", 1)[0] == view


def test_route_facts_of_function_and_class_views(tmp_path):
    index = write_project(
        tmp_path,
        {
            "site/__init__.py": "",
            "site/settings.py": 'ROOT_URLCONF = "site.urls"\n',
            "site/urls.py": """\
                from django.urls import path
                from django.views.generic import View

                def local(request):
                    ...

                class Items(View):
                    async def post(self, request):
                        ...

                urlpatterns = [
                    path("local/", local),
                    path("items/", Items.as_view()),
                ]
            """,
        },
    )
    [function] = routes_named(index, "site.urls.local")
    assert isinstance(function, Route)
    assert (function.framework, function.methods, function.methods_explicit) == ("django", ("ANY",), False)
    assert function.anchor.start == (4, 0) and function.anchor.end == (4, 9)  # `def local`
    assert function.path_value is not None and function.path_value.literal == "local/"
    assert function.handler == "local" and function.owner == "" and function.view_class is None
    [method] = routes_named(index, "site.urls.Items.post")
    assert (method.methods, method.methods_explicit, method.view_class) == (("POST",), True, "Items")
    assert method.anchor.start == (8, 4) and method.anchor.end == (8, 18)  # `async def post`


def test_path_value_only_in_the_module_of_the_pattern(tmp_path):
    index = write_project(
        tmp_path,
        {
            "urls.py": "from django.urls import path\nimport views\nurlpatterns = [path('a/', views.a)]\n",
            "views.py": "def a(request):\n    ...\n",
        },
    )
    [route] = routes_named(index, "views.a")
    assert route.path == "/a/" and route.path_value is None
    assert route.parts[0].module == str((tmp_path / "urls.py").resolve())  # the string is in urls.py


def test_without_settings_every_urlconf_no_other_includes_is_a_root(tmp_path):
    index = write_project(
        tmp_path,
        {
            "project/__init__.py": "",
            "project/urls.py": """\
                from django.urls import include, path
                urlpatterns = [path("shop/", include("shop.urls"))]
            """,
            "shop/__init__.py": "",
            "shop/urls.py": """\
                from django.urls import path
                from shop.views import index
                urlpatterns = [path("", index)]
            """,
            "shop/views.py": "def index(request):\n    ...\n",
            "other/__init__.py": "",
            "other/urls.py": """\
                from django.urls import path
                from . import views
                urlpatterns = [path("other/", views.page)]
            """,
            "other/views.py": "def page(request):\n    ...\n",
        },
    )
    # shop/urls.py is reached from project/urls.py, so only under /shop/
    assert table(index) == [
        ("ANY", "/other/", "other.views.page"),
        ("ANY", "/shop/", "shop.views.index"),
    ]


def test_root_urlconf_decides_what_is_served(tmp_path):
    files = {
        "conf/__init__.py": "",
        "conf/settings.py": 'ROOT_URLCONF = "conf.urls"\n',
        "conf/urls.py": "from django.urls import path\nfrom conf import views\nurlpatterns = [path('in/', views.a)]\n",
        "conf/unused_urls.py": "from django.urls import path\nfrom conf import views\nurlpatterns = [path('out/', views.b)]\n",
        "conf/views.py": "def a(request):\n    ...\ndef b(request):\n    ...\n",
    }
    assert table(write_project(tmp_path, files)) == [("ANY", "/in/", "conf.views.a")]


def test_include_forms_and_pattern_list_building(tmp_path):
    index = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/settings.py": 'ROOT_URLCONF = "app.urls"\n',
            "app/views.py": "".join(f"def {name}(request):\n    ...\n" for name in "abcdefg"),
            "app/extra.py": """\
                from django.urls import path
                from app import views
                extra_patterns = [path("e/", views.e)]
            """,
            "app/urls.py": """\
                from django.conf.urls import url
                from django.urls import include, path, re_path
                from app import views
                from app.extra import extra_patterns

                inner = [path("b/", views.b)]
                urlpatterns = [
                    path("tuple/", include((inner, "inner"), namespace="inner")),
                    path("inline/", include([path("c/", views.c), re_path(r"^d/$", views.d)])),
                    path("imported/", include(extra_patterns)),
                    url(r"^old/(?P<id>\\d+)/$", views.f),
                    *inner,
                ]
                urlpatterns.extend([path("ext/", views.g)])
                urlpatterns = urlpatterns + [path("a/", views.a)]
            """,
        },
    )
    assert table(index) == [
        ("ANY", "/a/", "app.views.a"),
        ("ANY", "/b/", "app.views.b"),
        ("ANY", "/ext/", "app.views.g"),
        ("ANY", "/imported/e/", "app.views.e"),
        ("ANY", "/inline/c/", "app.views.c"),
        ("ANY", "/inline/d/", "app.views.d"),
        ("ANY", "/old/(?P<id>\\d+)/", "app.views.f"),
        ("ANY", "/tuple/b/", "app.views.b"),
    ]


def test_pieces_are_joined_exactly_as_django_does(tmp_path):
    index = write_project(
        tmp_path,
        {
            "urls.py": """\
                from django.urls import include, path
                import views
                urlpatterns = [path("api", include([path("users/", views.users)]))]
            """,
            "views.py": "def users(request):\n    ...\n",
        },
    )
    assert table(index) == [("ANY", "/apiusers/", "views.users")]  # Django adds no slash


def test_method_restrictions(tmp_path):
    index = write_project(
        tmp_path,
        {
            "urls.py": """\
                from django.urls import path
                from django.views.decorators.http import require_GET, require_POST, require_http_methods
                from django.views.decorators.cache import never_cache
                import views
                urlpatterns = [
                    path("safe/", views.safe),
                    path("listed/", views.listed),
                    path("lower/", views.lower),
                    path("stacked/", views.stacked),
                    path("wrapped/", never_cache(require_http_methods(["PUT", "DELETE"])(views.plain))),
                    path("wrapped-get/", require_GET(views.listed)),
                    path("empty/", require_POST(views.safe)),
                    path("restricted/", views.Restricted.as_view()),
                    path("dynamic/", views.dynamic),
                ]
            """,
            "views.py": """\
                from django.views.decorators.http import require_http_methods, require_safe, require_GET
                from django.views import generic

                METHODS = ["GET"]

                @require_safe
                def safe(request):
                    ...

                @require_http_methods(["GET", "POST"])
                def listed(request):
                    ...

                @require_http_methods(["get", "POST"])
                def lower(request):
                    ...

                @require_GET
                @require_http_methods(["GET", "POST"])
                def stacked(request):
                    ...

                def plain(request):
                    ...

                class Restricted(generic.RedirectView):
                    http_method_names = ["get", "post"]

                @require_http_methods(METHODS)
                def dynamic(request):
                    ...
            """,
        },
    )
    assert table(index) == [
        ("GET", "/listed/", "views.listed"),
        ("POST", "/listed/", "views.listed"),
        ("POST", "/lower/", "views.lower"),  # Django compares case-sensitively: "get" matches nothing
        ("GET", "/restricted/", "views.Restricted.get"),
        ("POST", "/restricted/", "views.Restricted.post"),
        ("GET", "/safe/", "views.safe"),
        ("HEAD", "/safe/", "views.safe"),
        ("GET", "/stacked/", "views.stacked"),
        ("GET", "/wrapped-get/", "views.listed"),
        ("DELETE", "/wrapped/", "views.plain"),
        ("PUT", "/wrapped/", "views.plain"),
        # /empty/: require_POST around a view that only allows GET and HEAD answers nothing;
        # /dynamic/: a method list only known at run time
    ]


def test_inherited_methods_and_the_handler_named(tmp_path):
    index = write_project(
        tmp_path,
        {
            "urls.py": """\
                from django.urls import path
                from views import Child, Local
                urlpatterns = [path("child/", Child.as_view()), path("local/", Local.as_view())]
            """,
            "base.py": """\
                from django.views.generic import View
                class Base(View):
                    def get(self, request):
                        ...
            """,
            "views.py": """\
                from base import Base as Parent
                from django.contrib.auth.mixins import LoginRequiredMixin

                class Child(LoginRequiredMixin, Parent):
                    def post(self, request):
                        ...

                class SameModuleBase(Parent):
                    def put(self, request):
                        ...

                class Local(SameModuleBase):
                    pass
            """,
        },
    )
    assert table(index) == [
        ("GET", "/child/", "views.Child.get"),  # defined in base.py: anchored on the class
        ("POST", "/child/", "views.Child.post"),
        ("GET", "/local/", "views.Local.get"),
        ("PUT", "/local/", "views.SameModuleBase.put"),  # the def that runs, in this module
    ]
    [get] = routes_named(index, "views.Child.get")
    assert get.anchor.start[0] == 4 and get.view_class == "Child"


def test_silent_where_nothing_can_be_decided(tmp_path):
    index = write_project(
        tmp_path,
        {
            "urls.py": """\
                from django.urls import include, path
                from django.contrib.auth import views as auth_views
                import views
                PREFIX = "x/"
                urlpatterns = [
                    path("plain-class/", views.NotAView.as_view()),
                    path("object-class/", views.ObjectClass.as_view()),
                    path("missing/", views.missing),
                    path("login/", auth_views.LoginView.as_view()),
                    path("made/", views.made),
                    path("dyn/", include(views.modules[0])),
                    path("unknown-wrapper/", views.decorate(views.f)),
                    path("cycle/", include("urls")),
                    path(PREFIX, views.f),
                ]
            """,
            "views.py": """\
                class NotAView:
                    def get(self, request):
                        ...
                class ObjectClass(object):
                    def get(self, request):
                        ...
                made = NotAView.as_view()
                def f(request):
                    ...
            """,
        },
    )
    # the include cycle adds nothing; a path from a constant is not static
    assert table(index) == [("ANY", None, "views.f")]


def test_routes_follow_a_prefix_changed_in_another_module(tmp_path):
    index = write_project(
        tmp_path,
        {
            "urls.py": "from django.urls import include, path\nurlpatterns = [path('v1/', include('app_urls'))]\n",
            "app_urls.py": "from django.urls import path\nfrom views import show\nurlpatterns = [path('show/', show)]\n",
            "views.py": "def show(request):\n    ...\n",
        },
    )
    assert table(index) == [("ANY", "/v1/show/", "views.show")]
    urls = str((tmp_path / "urls.py").resolve())
    text = "from django.urls import include, path\nurlpatterns = [path('v2/', include('app_urls'))]\n"
    assert index.update(urls, facts_of_text(text, urls)) is True
    assert table(index) == [("ANY", "/v2/show/", "views.show")]
    views = str((tmp_path / "views.py").resolve())
    text = "from django.views.decorators.http import require_POST\n\n@require_POST\ndef show(request):\n    ...\n"
    index.update(views, facts_of_text(text, views))
    [route] = routes_named(index, "views.show")
    assert route.methods == ("POST",) and route.anchor.start[0] == 4


def test_settings_facts(tmp_path):
    index = write_project(
        tmp_path,
        {
            "settings.py": """\
                ROOT_URLCONF = "urls"
                REST_FRAMEWORK = {"PAGE_SIZE": 10, **OTHER}
                REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"] = "rest_framework.pagination.LimitOffsetPagination"
            """,
        },
    )
    facts = next(iter(index.modules.values())).facts
    assert facts.django.root_urlconf.literal == "urls"
    assert {key: value.literal for key, value in facts.django.rest_framework} == {
        "PAGE_SIZE": 10,
        "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    }


def test_modules_without_django_facts_keep_none():
    assert facts_of_text("x = [1, 2]\ntotal = a + b\nname = settings.NAME\n", "m.py").django is None


def test_half_typed_urlconf_keeps_its_other_patterns():
    text = (
        "from django.urls import path\nimport views\n"
        "urlpatterns = [\n    path('a/', views.a),\n    path('b/', views.b(x.y = 1)),\n    path(c.d = 1),\n]\n"
    )
    facts = facts_of_text(text, "urls.py")
    assert not [problem for problem in facts.problems if "django" in problem]
    [pattern] = facts.django.patterns("urlpatterns")
    assert pattern.route.text == "a/" and pattern.view.ref.symbol == "views.a"
