// SPDX-License-Identifier: MIT
// systemd::compare_units and launchd::compare_plists: differences as the service manager reads them,
// nothing ignored unless the options say so.
#include <hermes/service/launchd.hpp>
#include <hermes/service/systemd.hpp>
#include <string>
#include <vector>

#include "support/catch.hpp"

namespace systemd = hermes::service::systemd;
namespace launchd = hermes::service::launchd;
using strings = std::vector<std::string>;

namespace {

const std::string acme =
    "[Unit]\n"
    "Description=acme-sync\n"
    "After=network-online.target\n"
    "\n"
    "[Service]\n"
    "ExecStartPre=-\"/bin/mkdir\" \"-p\" \"/var/lib/acme\"\n"
    "ExecStart=\"/usr/bin/acme-sync\" \"--home\" \"/var/lib/acme\"\n"
    "Environment=\"ACME_HOME=/var/lib/acme\"\n"
    "Environment=\"PATH=/usr/bin:/bin\"\n"
    "Restart=on-failure\n"
    "RestartSteps=5\n"
    "\n"
    "[Install]\n"
    "WantedBy=multi-user.target\n";

strings keys_of(const std::vector<hermes::service::directive_change>& changes) {
    strings keys;
    for (const auto& c : changes) keys.push_back(c.key);
    return keys;
}

}  // namespace

TEST_CASE("compare_units: layout never counts", "[compare][systemd]") {
    const strings same = {
        "# installed by acme 1.0\n" + acme,
        "\xEF\xBB\xBF" + acme,
        "[Unit]\r\nDescription=acme-sync\r\nAfter=network-online.target\r\n[Service]\r\n"
        "ExecStartPre=-/bin/mkdir -p /var/lib/acme\r\n"
        "ExecStart=/usr/bin/acme-sync --home '/var/lib/acme'\r\n"
        "  Environment = ACME_HOME=/var/lib/acme PATH=/usr/bin:/bin  \r\n"
        "; a comment\r\nRestart=on-failure\r\nRestartSteps=5\r\n[Install]\r\nWantedBy=multi-user.target\r\n",
        // sections and different keys in another order, a repeated header, escapes
        "[Install]\nWantedBy=multi-user.target\n[Service]\nRestartSteps=5\nRestart=on-failure\n"
        "ExecStartPre=-\"/bin/mkdir\" -p \"/var/lib/acme\"\n"
        "ExecStart=\"/usr/bin/acme-sync\" \\x2d-home /var/lib/acme\n"
        "Environment=PATH=/usr/bin:/bin\n[Unit]\nAfter=  network-online.target\nDescription=acme-sync\n"
        "[Service]\nEnvironment=\"ACME_HOME=/var/lib/acme\"\n",
        // a continued line
        "[Unit]\nDescription=acme-sync\nAfter=network-online.target\n[Service]\n"
        "ExecStartPre=-/bin/mkdir -p \\\n  /var/lib/acme\n"
        "ExecStart=/usr/bin/acme-sync --home /var/lib/acme\nEnvironment=ACME_HOME=/var/lib/acme\n"
        "Environment=PATH=/usr/bin:/"
        "bin\nRestart=on-failure\nRestartSteps=5\n[Install]\nWantedBy=multi-user.target\n",
    };
    for (const std::string& text : same) {
        INFO(text);
        CHECK(systemd::compare_units(text, acme).empty());
        CHECK(systemd::compare_units(acme, text).empty());
    }
}

TEST_CASE("compare_units: everything else counts, reported as written", "[compare][systemd]") {
    // RestartSteps= is a directive like any other here (the gateway's options ignore it)
    auto changes = systemd::compare_units(
        "[Service]\nRestartSteps=4\nExecStart=/usr/bin/acme-sync --home /var/lib/acme\n", acme);
    CHECK(keys_of(changes) == strings{"Description", "After", "ExecStartPre", "Environment[ACME_HOME]",
                                      "Environment[PATH]", "Restart", "RestartSteps", "WantedBy"});
    CHECK(changes[6].old_values == strings{"4"});
    CHECK(changes[6].new_values == strings{"5"});
    // an argument's value, a prefix, the order of repeated lines, a reset line all count
    const std::string pre2 = "[Service]\nExecStartPre=/bin/a\nExecStartPre=/bin/b\n";
    CHECK(keys_of(systemd::compare_units("[Service]\nExecStartPre=/bin/b\nExecStartPre=/bin/a\n", pre2)) ==
          strings{"ExecStartPre"});
    CHECK(keys_of(systemd::compare_units("[Service]\nExecStartPre=-/bin/a\nExecStartPre=/bin/b\n", pre2)) ==
          strings{"ExecStartPre"});
    CHECK(
        systemd::compare_units("[Service]\nExecStartPre=@:/bin/a x\n", "[Service]\nExecStartPre=:@/bin/a x\n")
            .empty());
    CHECK(keys_of(systemd::compare_units("[Service]\nExecStart=\nExecStart=/bin/a\n",
                                         "[Service]\nExecStart=/bin/a\n")) == strings{"ExecStart"});
    // `$X` is expanded at exec time, `$$X` is literal: different commands
    CHECK(keys_of(systemd::compare_units("[Service]\nExecStart=/bin/echo $HOME\n",
                                         "[Service]\nExecStart=/bin/echo $$HOME\n")) == strings{"ExecStart"});
    // After= lists split at whitespace (two lines equal one), quotes kept as systemd keeps them
    CHECK(systemd::compare_units("[Unit]\nAfter=a.service b.service\n",
                                 "[Unit]\nAfter=a.service\nAfter=b.service\n")
              .empty());
    CHECK(keys_of(systemd::compare_units("[Unit]\nAfter=\"a.service\"\n", "[Unit]\nAfter=a.service\n")) ==
          strings{"After"});
    // literal values keep their quotes (WorkingDirectory= does not unquote); %% is a single %
    CHECK(keys_of(systemd::compare_units("[Service]\nWorkingDirectory=\"/srv\"\n",
                                         "[Service]\nWorkingDirectory=/srv\n")) ==
          strings{"WorkingDirectory"});
    CHECK(systemd::compare_units("[Unit]\nDescription=100%%\n", "[Unit]\nDescription=100%\n").empty());
    // Environment= per variable; a reset is its own entry
    changes = systemd::compare_units("[Service]\nEnvironment=A=1 B=2\n", "[Service]\nEnvironment=B=3 A=1\n");
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].key == "Environment[B]");
    CHECK(changes[0].old_values == strings{"B=2"});
    CHECK(changes[0].new_values == strings{"B=3"});
    // added and removed directives; section matters
    changes = systemd::compare_units("[Unit]\nOld=1\n", "[Service]\nOld=1\n");
    REQUIRE(changes.size() == 2);
    CHECK(changes[0].section == "Service");
    CHECK(changes[0].old_values.empty());
    CHECK(changes[1].section == "Unit");
    CHECK(changes[1].new_values.empty());
}

TEST_CASE("compare_options: ignored keys and a value filter", "[compare][systemd]") {
    const std::string a =
        "[Service]\nNice=5\nEnvironment=PATH=/a:/tmp/x TOKEN=1\nExecStart=/bin/run /tmp/x1\n";
    const std::string b =
        "[Service]\nNice=7\nEnvironment=PATH=/a:/tmp/y TOKEN=2\nExecStart=/bin/run /tmp/y2\n";
    CHECK(systemd::compare_units(a, b).size() == 4);
    systemd::compare_options o;
    o.ignored_keys = {"Service.Nice", "Environment[TOKEN]"};
    o.value_filter = [](std::string_view, std::string_view key, std::string_view value) {
        // /tmp/... is per-run: compare only that it is under /tmp
        std::string v(value);
        if (key == "Environment[PATH]") return v.substr(0, v.find(":/tmp/"));
        if (key == "ExecStart" && v.rfind("/tmp/", 0) == 0) return std::string("/tmp/");
        return v;
    };
    CHECK(systemd::compare_units(a, b, o).empty());
    o.ignored_keys = {"Unit.Nice"};  // another section's key
    CHECK(keys_of(systemd::compare_units(a, b, o)) == strings{"Nice", "Environment[TOKEN]"});
    systemd::compare_options every_variable;
    every_variable.ignored_keys = {"Nice", "Environment"};
    CHECK(keys_of(systemd::compare_units(a, b, every_variable)) == strings{"ExecStart"});
}

TEST_CASE("compare_plists: keys in any order, nested dicts key by key", "[compare][launchd]") {
    const std::string plist = launchd::plist_builder{}
                                  .label("com.acme.sync")
                                  .program_arguments({"/usr/local/bin/acme-sync", "--home", "/Users/a/acme"})
                                  .environment("PATH", "/usr/bin:/bin")
                                  .environment("ACME_HOME", "/Users/a/acme")
                                  .successful_exit(false)
                                  .throttle_interval(30)
                                  .build()
                                  .value();
    const std::string reordered =
        "<?xml version=\"1.0\"?>\n<plist version=\"1.0\"><dict>"
        "<!-- by hand --><key>ThrottleInterval</key><integer>30</integer>"
        "<key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>"
        "<key>EnvironmentVariables</key><dict><key>ACME_HOME</key><string>/Users/a/acme</string>"
        "<key>PATH</key><string>/usr/bin:/bin</string></dict>"
        "<key>ProgramArguments</key><array><string>/usr/local/bin/acme-sync</string><string>--home</string>"
        "<string><![CDATA[/Users/a/acme]]></string></array><key>Label</key><string>com.acme.sync</string>"
        "</dict></plist>\n";
    CHECK(launchd::compare_plists(reordered, plist).empty());
    const std::string changed =
        launchd::plist_builder{}
            .label("com.acme.sync")
            .program_arguments({"/usr/local/bin/acme-sync", "--home", "/Users/b/acme"})
            .environment("PATH", "/opt/bin")
            .successful_exit(true)
            .run_at_load()
            .build()
            .value();
    const auto changes = launchd::compare_plists(plist, changed);
    strings keys;
    for (const auto& c : changes) keys.push_back(c.key);
    CHECK(keys == strings{"ProgramArguments", "EnvironmentVariables.PATH", "EnvironmentVariables.ACME_HOME",
                          "RunAtLoad", "KeepAlive.SuccessfulExit", "ThrottleInterval"});
    CHECK_FALSE(changes[3].old_value.has_value());
    CHECK(changes[3].new_value == launchd::plist_value(true));
    CHECK(changes[5].old_value == launchd::plist_value(30));
    CHECK_FALSE(changes[5].new_value.has_value());
    launchd::compare_options o;
    o.ignored_keys = {"EnvironmentVariables.ACME_HOME", "ThrottleInterval", "RunAtLoad"};
    o.value_filter = [](std::string_view key, const launchd::plist_value& v) {
        return key == "EnvironmentVariables.PATH" || key == "ProgramArguments" ? launchd::plist_value("") : v;
    };
    const auto filtered = launchd::compare_plists(plist, changed, o);
    REQUIRE(filtered.size() == 1);
    CHECK(filtered[0].key == "KeepAlive.SuccessfulExit");
    // a text that does not parse reads as an empty dict: every key is new
    CHECK(launchd::compare_plists("<plist>", plist).size() == 5);
}
