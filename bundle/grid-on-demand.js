// AG Grid's script (1.3 MB, about 100 ms of a cold first load here) only for the pages that show a grid.
// Until one mounts, window.dash_ag_grid is this stand-in; the first grid to mount fetches the real script
// (its address is this script's data-grid) and then renders the real grid. The stand-in stays the namespace
// Dash resolves, so a grid's component type never changes under it (React would mount it afresh);
// getApi and getApiAsync are passed on to the real ones.
(function () {
    const src = document.currentScript.dataset.grid;
    let real = null;
    let loading = null;

    function load() {
        loading = loading || new Promise((resolve, reject) => {
            const script = document.createElement('script');
            script.src = src;
            script.onload = () => {
                real = window.dash_ag_grid;
                window.dash_ag_grid = standIn;
                resolve(real);
            };
            script.onerror = () => reject(new Error('AG Grid did not load from ' + src));
            document.head.appendChild(script);
        });
        return loading;
    }

    function AgGrid(props) {
        const [, loaded] = React.useState(false);
        React.useEffect(() => {
            if (!real) {
                load().then(() => loaded(true));
            }
        }, []);
        return real ? React.createElement(real.AgGrid, props)
            : React.createElement('div', {className: props.className, style: props.style});
    }
    AgGrid.dashRenderType = true;       // as the real grid: Dash tells it why it renders

    const standIn = {
        AgGrid,
        getApi(id) {
            if (!real) {
                throw new Error('AG Grid is not loaded yet, so there is no grid ' + id);
            }
            return real.getApi(id);
        },
        getApiAsync: (id) => load().then(() => real.getApiAsync(id)),
    };
    window.dash_ag_grid = standIn;
})();
