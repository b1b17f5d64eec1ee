"""Import kinds of the training app, declared for the one import framework:

- ``courses``: training courses. Natural key: start date + provider + course title. The
  provider is found by its exact name (a name not registered, or registered twice, is a row
  error). A town officer imports only courses of providers in their town. The course rules
  are ``course_check``, as on the form.
- ``enrolments``: who enrolled in a course (course title + start date), found by ID number in
  the importing user's scope. Natural key: course + person. Status 在学 / 已结业 / 中途退出,
  changed only the ways the enrolment services allow (``enrolment_change_errors``). The import
  is the uploader's confirmation: it may go over a course's places (the enrol form asks).
- ``attendance``: one session day of one enrolment, present or not. Natural key: enrolment +
  date. A date outside the course period is a row error with the service's message.

A batch can be rolled back unless what it wrote was changed since or is used by later records
(a course with enrolments, an enrolment with certificates).
"""

from jiuye.training.importing import courses, enrolments

__all__ = ["courses", "enrolments"]
