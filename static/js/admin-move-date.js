/* The role tree in the admin: a drag-and-drop move takes effect on the day in #move-effective-date
 * (default today; a later day schedules it, an earlier one corrects the record). django-mptt's
 * draggable-admin.js posts the move with django.jQuery; this adds the day to that request. */
(function () {
  "use strict";
  var $ = window.django && window.django.jQuery;
  if (!$) return;
  $.ajaxPrefilter(function (options, original) {
    var field = document.getElementById("move-effective-date");
    if (field && original.data && original.data.cmd === "move_node") {
      options.data += "&effective_date=" + encodeURIComponent(field.value);
    }
  });
})();
