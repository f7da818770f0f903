"""The site's checks, run by the Build stage: python3 -m unittest discover -s tests"""
import os
import re
import unittest

SITE = os.path.join(os.path.dirname(__file__), "..", "site")


class SiteTest(unittest.TestCase):
    def test_index_has_a_title(self):
        with open(os.path.join(SITE, "index.html"), encoding="utf-8") as page:
            html = page.read()
        title = re.search(r"<title>(.+?)</title>", html)
        self.assertIsNotNone(title, "site/index.html has no <title>")
        self.assertTrue(title.group(1).strip())

    def test_stylesheet_is_there(self):
        self.assertTrue(os.path.isfile(os.path.join(SITE, "style.css")))


if __name__ == "__main__":
    unittest.main()
