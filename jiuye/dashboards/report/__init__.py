"""The annual report in Word (issue 16): what goes in it (``selectors``: reads only), its charts
(``charts``, drawn with Pillow and a CJK font), the document written into the district's
template (``document``, styles from ``template``), the background job that keeps the file for
the user who asked (``services``), and its page (``forms``, ``views``)."""
