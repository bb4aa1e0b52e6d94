// Progressive enhancement only: every page works without JavaScript.
import { initAll } from '/assets/nhsuk-frontend.min.js'

initAll()
