//! Every bad input fails the build with a `path:line:column` message saying what to
//! do, and leaves `public/` exactly as it was.

mod common;

use common::Site;

const CASES: &[&str] = &[
    "bad-unclosed-fence",
    "bad-yaml",
    "bad-type",
    "bad-date",
    "bad-utf8",
    "bad-empty",
    "bad-duplicate-permalink",
    "bad-slug-escape",
    "bad-alias-escape",
    "bad-permalink-pattern",
    "bad-template-syntax",
    "bad-template-undefined",
    "bad-several",
    "bad-related-pin",
    "bad-theme-incomplete",
    "bad-anchor",
    "bad-shortcode",
];

#[test]
fn bad_inputs_fail_with_located_messages_and_leave_public_alone() {
    for case in CASES {
        let site = Site::fixture(case);
        site.write("public/.kiosque-output", "");
        site.write("public/index.html", "previous build");
        let before = site.output_files();

        let run = site.run(&["build"]);

        assert!(!run.success, "{case} built");
        assert!(
            !run.stderr.contains("panicked"),
            "{case} panicked:\n{}",
            run.stderr
        );
        assert_eq!(site.output_files(), before, "{case} changed public/");
        assert_eq!(
            fs_err::read_to_string(site.public().join("index.html")).unwrap(),
            "previous build"
        );
        insta::assert_snapshot!(*case, run.stderr);
    }
}

/// Without a previous build, a failed build leaves no `public/` behind, even when the
/// error shows while pages are being written (an undefined variable in a template).
#[test]
fn a_failed_first_build_leaves_no_public_folder() {
    for case in CASES {
        let site = Site::fixture(case);
        assert!(!site.public().exists());

        let run = site.run(&["build"]);

        assert!(!run.success, "{case} built");
        assert!(
            !site.public().exists(),
            "{case} left a half-written public/: {:?}",
            site.output_files()
        );
    }
}
