// Faultline, errors only, as a page would import it.
import { init, captureException, captureMessage, addBreadcrumb, flush, ready, getStats } from '../../js/index.js';

window.SDK = { name: 'faultline', init, captureException, captureMessage, addBreadcrumb, flush, ready, getStats };
